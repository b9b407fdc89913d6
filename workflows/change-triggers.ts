import type { Job } from "./job";
import { readContents } from "./permissions";
import { ciWorkflowName, type WorkflowSettings } from "./settings";
import { checkoutStep, installDependenciesStep, setupNodeStep, testStep } from "./steps";
import type { Triggers } from "./workflow";

/**
 * The triggers of a deploy workflow: CI completing on the deploy branch (jobs check that it
 * passed, on a push, in this repository), and, when `pullRequestPaths` is given, pull requests
 * touching those paths (tests only: no job of a pull request run reads a secret).
 */
export function deployTriggers(settings: WorkflowSettings, pullRequestPaths?: string[]): Triggers {
  return {
    workflow_run: {
      workflows: [ciWorkflowName],
      types: ["completed"],
      branches: [settings.branch],
    },
    ...(pullRequestPaths
      ? { pull_request: { branches: [settings.branch], paths: pullRequestPaths } }
      : {}),
  };
}

/**
 * Job condition: the run was started by CI succeeding for a push to the deploy branch of this
 * repository. A pull request's CI (from a branch or a fork, even one named like the deploy branch)
 * never starts a deploy.
 */
export function afterCiOnDeployBranch(settings: WorkflowSettings): string {
  return [
    "github.event_name == 'workflow_run'",
    "github.event.workflow_run.conclusion == 'success'",
    "github.event.workflow_run.event == 'push'",
    `github.event.workflow_run.head_branch == '${settings.branch}'`,
    "github.event.workflow_run.head_repository.full_name == github.repository",
  ].join(" && ");
}

/** The `Test` job of an app folder: install its locked dependencies and run its `npm test`. */
export function appTestJob(settings: WorkflowSettings, appPath: string): Job {
  return {
    name: "Test",
    if: "github.event_name == 'pull_request'",
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
