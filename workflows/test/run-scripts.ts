import type { ParsedWorkflow } from "../parsed-workflow";

/** One `run:` script and where it comes from. */
export interface RunScript {
  /** `file job "step"`, for test names and messages. */
  location: string;
  /** The script, `${{ }}` expressions replaced by a plain word. */
  script: string;
}

/**
 * Every `run:` script of a workflow, ready for shellcheck. Expressions become a plain word
 * (what GitHub substitutes is text too), so shellcheck sees valid bash either way.
 */
export function extractRunScripts(workflow: ParsedWorkflow): RunScript[] {
  return Object.entries(workflow.jobs).flatMap(([id, job]) =>
    (job.steps ?? [])
      .filter((step): step is typeof step & { run: string } => typeof step.run === "string")
      .map((step) => ({
        location: `${workflow.fileName} ${id} "${step.name ?? "?"}"`,
        script: step.run.replace(/\$\{\{.*?\}\}/g, "GITHUB_EXPRESSION"),
      })),
  );
}
