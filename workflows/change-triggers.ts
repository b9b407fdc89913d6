import type { Job } from "./job";
import { readContents } from "./permissions";
import type { WorkflowSettings } from "./settings";
import { checkoutStep, installDependenciesStep, setupNodeStep, testStep } from "./steps";
import type { Triggers } from "./workflow";

/**
 * The triggers of a deploy workflow: pushes to and pull requests into the main branch that touch
 * `paths`, plus the "Run workflow" button.
 */
export function changeTriggers(settings: WorkflowSettings, paths: string[]): Triggers {
  return {
    push: { branches: [settings.branch], paths },
    pull_request: { branches: [settings.branch], paths },
    workflow_dispatch: {},
  };
}

/** Job condition: true on a push or dispatch on the main branch, false for pull requests. */
export function onMainBranch(settings: WorkflowSettings): string {
  return `github.event_name != 'pull_request' && github.ref == 'refs/heads/${settings.branch}'`;
}

/** The `Test` job of an app folder: install its locked dependencies and run its `npm test`. */
export function appTestJob(settings: WorkflowSettings, appPath: string): Job {
  return {
    name: "Test",
    permissions: readContents,
    timeoutMinutes: 15,
    steps: [
      checkoutStep,
      setupNodeStep(settings),
      installDependenciesStep(appPath),
      testStep(appPath),
    ],
  };
}
