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
  /** `env:` of the job, seen by every step. */
  env?: Record<string, unknown>;
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
  /** `on:`, the events that start the workflow. */
  on?: unknown;
  /** Jobs by id. */
  jobs: Record<string, ParsedJob>;
}

/** Parses rendered (or hand-written) workflow YAML for the rules and the linters' helpers. */
export function parseWorkflowText(fileName: string, text: string): ParsedWorkflow {
  const content = (parse(text) ?? {}) as {
    permissions?: unknown;
    on?: unknown;
    jobs?: Record<string, ParsedJob>;
  };
  return {
    fileName,
    text,
    permissions: content.permissions,
    on: content.on,
    jobs: content.jobs ?? {},
  };
}

/** The environment name of a job, whichever form `environment:` takes. */
export function environmentName(job: ParsedJob): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** Names of the events that start a workflow, whichever form `on:` takes. */
export function triggerNames(workflow: ParsedWorkflow): string[] {
  const on = workflow.on;
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === "object" ? Object.keys(on) : [];
}

/** `secrets.NAME` references in a value, except the job's own `GITHUB_TOKEN`. */
export function secretReferences(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)]
    .map((match) => match[1] ?? "")
    .filter((name) => name !== "GITHUB_TOKEN");
}
