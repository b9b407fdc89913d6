import type { Permissions } from "./permissions";
import type { Step } from "./step";

/** A job's `concurrency:` block. */
export interface Concurrency {
  /** Jobs with the same group never run at the same time. @example "web-deploy-production" */
  group: string;
  /** Whether a new run cancels the one in progress; deploys queue instead (`false`). */
  cancelInProgress: boolean;
}

/** A job. `permissions` and `timeoutMinutes` are required so hardening cannot be forgotten. */
export interface Job {
  /** Shown in the checks list. */
  name: string;
  /** Runner label. @default "ubuntu-latest" */
  runsOn?: string;
  /** Jobs that must succeed first. */
  needs?: string[];
  /** A GitHub expression deciding whether the job runs. */
  if?: string;
  /**
   * GitHub environment whose protection rules and secrets the job uses.
   * @example { name: "production", url: "${{ vars.WEB_URL }}" }
   */
  environment?: { name: string; url?: string };
  /** Token scopes of this job; the workflow's top-level block stays read-only. */
  permissions: Permissions;
  /** Upper bound on the job's run time, so a hung step cannot burn minutes for six hours. */
  timeoutMinutes: number;
  /** Serialises deploys to one environment. */
  concurrency?: Concurrency;
  /** Matrix of the job. */
  strategy?: { failFast: boolean; matrix: Record<string, string[]> };
  /** Job outputs, read by later jobs as `needs.<job>.outputs.*`. */
  outputs?: Record<string, string>;
  /** Environment of every step. */
  env?: Record<string, string>;
  /** Folder `run:` steps start in. @default the workspace root */
  workingDirectory?: string;
  /** The steps, in order. */
  steps: Step[];
}
