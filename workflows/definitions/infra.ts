import { changeTriggers, onMainBranch } from "../change-triggers";
import { environmentSecretNames, repositorySecretNames, secretExpression } from "../github-names";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import type { EnvironmentName, WorkflowSettings } from "../settings";
import { runStep, usesStep, type Step } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";

const fileName = "infra.yml";

/** The Pulumi program deploys the function bundles, so every Pulumi run starts from a fresh bundle. */
function programSteps(settings: WorkflowSettings): Step[] {
  return [
    checkoutStep,
    setupNodeStep(settings),
    installDependenciesStep(),
    runStep("Bundle the functions", "npm run bundle"),
  ];
}

function upJob(
  settings: WorkflowSettings,
  environment: EnvironmentName,
  options: Pick<Job, "needs" | "if">,
): Job {
  return {
    name: `pulumi up ${environment}`,
    ...options,
    environment: { name: environment },
    permissions: readContents,
    timeoutMinutes: 45,
    concurrency: { group: `infra-${environment}`, cancelInProgress: false },
    steps: [
      ...programSteps(settings),
      usesStep("pulumi up", pinnedActions.pulumi, {
        with: { command: "up", "stack-name": environment },
        env: { PULUMI_ACCESS_TOKEN: secretExpression(environmentSecretNames.pulumiAccessToken) },
      }),
    ],
  };
}

/**
 * Infrastructure: `pulumi preview` of both stacks on pull requests, with the result as a pull
 * request comment; `pulumi up` of staging on merge; production after approval.
 */
export function infraWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [
    "infra/**",
    "functions/**",
    "templates/**",
    "workflows/**",
    "Pulumi.*",
    "package-lock.json",
    `.github/workflows/${fileName}`,
  ];
  const mainBranchOnly = onMainBranch(settings);
  const previewToken =
    `\${{ matrix.stack == 'production' && secrets.${repositorySecretNames("production").pulumiAccessToken}` +
    ` || secrets.${repositorySecretNames("staging").pulumiAccessToken} }}`;
  return {
    fileName,
    sourceFile: "workflows/definitions/infra.ts",
    name: "Infrastructure",
    on: changeTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      preview: {
        name: "pulumi preview ${{ matrix.stack }}",
        // Previews read both stacks without an environment (no approval), with the stacks'
        // repository-level tokens; pull requests from forks get no secrets and are skipped.
        if: "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        permissions: { contents: "read", "pull-requests": "write" },
        timeoutMinutes: 30,
        strategy: { failFast: false, matrix: { stack: ["staging", "production"] } },
        steps: [
          ...programSteps(settings),
          usesStep("pulumi preview", pinnedActions.pulumi, {
            with: {
              command: "preview",
              "stack-name": "${{ matrix.stack }}",
              "comment-on-pr": true,
              "github-token": "${{ secrets.GITHUB_TOKEN }}",
            },
            env: { PULUMI_ACCESS_TOKEN: previewToken },
          }),
        ],
      },
      "up-staging": upJob(settings, "staging", { if: mainBranchOnly }),
      "up-production": upJob(settings, "production", { needs: ["up-staging"], if: mainBranchOnly }),
    },
  };
}
