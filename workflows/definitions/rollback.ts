import {
  deployFunctionsStep,
  functionsArtifactName,
  functionsArtifactPath,
  verifyArtifactStep,
} from "../function-artifact-steps";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import { environments, type EnvironmentName, type WorkflowSettings } from "../settings";
import { runStep, usesStep } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";
import { vercelEnvironment } from "./web-deploy";

/** Dispatch inputs are user text: they reach scripts only through env and are validated first. */
const validateFunctionsInputs = runStep(
  "Validate the inputs",
  [
    'if ! [[ "$RUN_ID" =~ ^[0-9]+$ ]]; then',
    '  echo "::error::functions-run-id must be the numeric id of a functions-deploy run, got \\"${RUN_ID}\\""',
    "  exit 1",
    "fi",
    'if ! [[ "$SHA256" =~ ^[0-9a-f]{64}$ ]]; then',
    '  echo "::error::functions-sha256 must be 64 lowercase hex characters, got \\"${SHA256}\\""',
    "  exit 1",
    "fi",
  ].join("\n"),
  { env: { RUN_ID: "${{ inputs.functions-run-id }}", SHA256: "${{ inputs.functions-sha256 }}" } },
);

/**
 * Vercel's instant rollback moves a project's production domain; staging deploys are previews, so
 * there is nothing to roll back to. The job says what to do instead rather than silently passing.
 */
function stagingWebRollbackJob(): Job {
  return {
    name: "Roll back web staging",
    if: "inputs.target == 'web' && inputs.environment == 'staging'",
    permissions: {},
    timeoutMinutes: 5,
    steps: [
      runStep(
        "Explain",
        [
          'echo "::error::vercel rollback applies to production deployments; staging deploys are previews."',
          'echo "Re-run the Web deploy workflow run of the commit you want staging to serve."',
          "exit 1",
        ].join("\n"),
      ),
    ],
  };
}

function rollbackWebJob(settings: WorkflowSettings, environment: EnvironmentName): Job {
  return {
    name: `Roll back web ${environment}`,
    if: `inputs.target == 'web' && inputs.environment == '${environment}'`,
    environment: { name: environment },
    permissions: readContents,
    timeoutMinutes: 15,
    // Shares the deploy's group: a rollback never races a deploy of the same environment.
    concurrency: { group: `web-deploy-${environment}`, cancelInProgress: false },
    env: { WEB_APP_PATH: settings.webAppPath },
    steps: [
      checkoutStep,
      setupNodeStep(settings),
      installDependenciesStep(settings.webAppPath),
      runStep(
        "vercel rollback",
        [
          'vercel="./${WEB_APP_PATH}/node_modules/.bin/vercel"',
          'if [ -n "$DEPLOYMENT" ]; then',
          '  "$vercel" rollback "$DEPLOYMENT"',
          "else",
          '  "$vercel" rollback',
          "fi",
        ].join("\n"),
        { env: { ...vercelEnvironment, DEPLOYMENT: "${{ inputs.web-deployment }}" } },
      ),
    ],
  };
}

function rollbackFunctionsJob(environment: EnvironmentName): Job {
  return {
    name: `Roll back functions ${environment}`,
    if: `inputs.target == 'functions' && inputs.environment == '${environment}'`,
    environment: { name: environment },
    // `actions: read` lets download-artifact fetch the artifact of an earlier run.
    permissions: { contents: "read", actions: "read" },
    timeoutMinutes: 15,
    concurrency: { group: `functions-deploy-${environment}`, cancelInProgress: false },
    steps: [
      validateFunctionsInputs,
      usesStep("Download the earlier artifact", pinnedActions.downloadArtifact, {
        with: {
          name: functionsArtifactName("${{ inputs.functions-sha256 }}"),
          path: functionsArtifactPath,
          "run-id": "${{ inputs.functions-run-id }}",
          "github-token": "${{ github.token }}",
        },
      }),
      verifyArtifactStep("${{ inputs.functions-sha256 }}"),
      deployFunctionsStep,
    ],
  };
}

/**
 * Rollback by hand: choose the environment and what to roll back. Web (production): `vercel
 * rollback` to a given deployment (or the previous one). Functions: redeploy the artifact of an earlier
 * functions-deploy run, verified against its digest.
 */
export function rollbackWorkflow(settings: WorkflowSettings): Workflow {
  const jobs: Record<string, Job> = {};
  for (const environment of environments) {
    jobs[`web-${environment}`] =
      environment === "production"
        ? rollbackWebJob(settings, environment)
        : stagingWebRollbackJob();
    jobs[`functions-${environment}`] = rollbackFunctionsJob(environment);
  }
  return {
    fileName: "rollback.yml",
    sourceFile: "workflows/definitions/rollback.ts",
    name: "Rollback",
    on: {
      workflow_dispatch: {
        inputs: {
          environment: {
            description: "Environment to roll back",
            required: true,
            type: "choice",
            options: [...environments],
          },
          target: {
            description: "What to roll back",
            required: true,
            type: "choice",
            options: ["web", "functions"],
          },
          "web-deployment": {
            description:
              "web: Vercel deployment URL or id to roll back to (empty: the previous one)",
            required: false,
            type: "string",
          },
          "functions-run-id": {
            description: "functions: id of the functions-deploy run whose artifact to redeploy",
            required: false,
            type: "string",
          },
          "functions-sha256": {
            description: "functions: artifact digest printed by that run's bundle job",
            required: false,
            type: "string",
          },
        },
      },
    },
    permissions: readContents,
    jobs,
  };
}
