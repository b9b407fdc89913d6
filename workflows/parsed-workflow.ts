import { parse } from "yaml";

/** A step as it appears in rendered YAML. */
export interface ParsedStep {
  /** `name:` */
  name?: string;
  /** `uses:`, e.g. `actions/checkout@<sha>`. */
  uses?: string;
  /** `run:`, the script. */
  run?: string;
  /** `with:`, the action inputs. */
  with?: Record<string, unknown>;
  /** `env:` */
  env?: Record<string, unknown>;
}

/** A job as it appears in rendered YAML. */
export interface ParsedJob {
  /** `name:` */
  name?: string;
  /** `environment:`, a name or `{ name, url }`. */
  environment?: string | { name?: string };
  /** `permissions:` of the job. */
  permissions?: unknown;
  /** `timeout-minutes:`, a number when set correctly. */
  "timeout-minutes"?: unknown;
  /** `concurrency:` of the job. */
  concurrency?: unknown;
  /** `steps:` */
  steps?: ParsedStep[];
}

/** A workflow file: its text (for comments) and its parsed content. */
export interface ParsedWorkflow {
  /** File name, for messages. @example "web-deploy.yml" */
  fileName: string;
  /** The YAML text, comments included. */
  text: string;
  /** Top-level `permissions:`. */
  permissions?: unknown;
  /** Jobs by id. */
  jobs: Record<string, ParsedJob>;
}

/** Parses rendered (or hand-written) workflow YAML for the rules and the linters' helpers. */
export function parseWorkflowText(fileName: string, text: string): ParsedWorkflow {
  const content = (parse(text) ?? {}) as {
    permissions?: unknown;
    jobs?: Record<string, ParsedJob>;
  };
  return { fileName, text, permissions: content.permissions, jobs: content.jobs ?? {} };
}

/** The environment name of a job, whichever form `environment:` takes. */
export function environmentName(job: ParsedJob): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}
