import type { Job } from "./job";
import type { Permissions } from "./permissions";

/** Branch and path filters of `push` and `pull_request`. */
export interface BranchPathFilter {
  /** Branches that trigger the workflow. */
  branches?: string[];
  /** Only changes under these globs trigger the workflow. */
  paths?: string[];
}

/** One `workflow_dispatch` input. */
export interface DispatchInput {
  /** Shown in the "Run workflow" form. */
  description: string;
  /** Whether the form requires a value. */
  required: boolean;
  /** `choice` inputs list their `options`. */
  type: "string" | "choice" | "boolean";
  /** Allowed values of a `choice` input. */
  options?: string[];
  /** Value used when the form is left as is. */
  default?: string;
}

/** The `on:` block. */
export interface Triggers {
  /** Pushes to the listed branches (and paths). */
  push?: BranchPathFilter;
  /** Pull requests into the listed branches (and touching the paths). */
  pull_request?: BranchPathFilter;
  /** The "Run workflow" button, with its form inputs. */
  workflow_dispatch?: { inputs?: Record<string, DispatchInput> };
  /** Cron schedules, in UTC. */
  schedule?: { cron: string }[];
  /**
   * Another workflow's run finishing: deploys start when CI completes on the deploy branch (jobs
   * then check its conclusion, event and repository).
   */
  workflow_run?: { workflows: string[]; types: ["completed"]; branches: string[] };
}

/** A workflow, rendered to `.github/workflows/<fileName>`. */
export interface Workflow {
  /** File name under `.github/workflows/`. @example "web-deploy.yml" */
  fileName: string;
  /** The TypeScript file that defines it, named in the rendered file's header. */
  sourceFile: string;
  /** Shown in the Actions tab. */
  name: string;
  /** Events that start the workflow. */
  on: Triggers;
  /** Top-level token scopes: read-only; jobs ask for more. */
  permissions: Permissions;
  /** Workflow-wide concurrency (e.g. cancel superseded pull request runs). */
  concurrency?: { group: string; cancelInProgress: boolean };
  /** Jobs by id. */
  jobs: Record<string, Job>;
}
