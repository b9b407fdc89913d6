import {
  checkEnvironmentRanStep,
  deploymentTasks,
  downloadGatewayArtifactStep,
  findGatewayArtifactStep,
  installPulumiStep,
  pulumiUpStep,
  recordDeploymentStep,
  recordPinStep,
  verifyGatewayArtifactStep,
} from "../gateway-artifact-steps";
import type { Job } from "../job";
import { readContents } from "../permissions";
import { environments, type EnvironmentName, type WorkflowSettings } from "../settings";
import { runStep } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";
import { vercelProjectEnvironment, vercelTokenEnvironment } from "./web-deploy";

const requestedSha256 = "${{ inputs.functions-sha256 }}";

/** Dispatch inputs are user text: they reach scripts only through env and are validated first. */
const validateFunctionsInputs = runStep(
  "Validate the inputs",
  [
    'if ! [[ "$SHA256" =~ ^[0-9a-f]{64}$ ]]; then',
    '  echo "::error::functions-sha256 must be 64 lowercase hex characters (the gateway hash a deploy printed), got \\"${SHA256}\\""',
    "  exit 1",
    "fi",
  ].join("\n"),
  { env: { SHA256: requestedSha256 } },
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
        {
          env: {
            ...vercelProjectEnvironment,
            ...vercelTokenEnvironment,
            DEPLOYMENT: "${{ inputs.web-deployment }}",
          },
        },
      ),
    ],
  };
}

/**
 * Rolls the gateway of one environment back to an earlier artifact, by hash: the artifact must
 * come from a deploy run of the deploy branch (provenance checked) and staging must have run it
 * (the record); `pulumi up` deploys it, the deployment is recorded, and the pin is committed to
 * the stack file so every later `pulumi up` keeps it.
 */
function rollbackFunctionsJob(settings: WorkflowSettings, environment: EnvironmentName): Job {
  return {
    name: `Roll back the gateway in ${environment}`,
    if: `inputs.target == 'functions' && inputs.environment == '${environment}' && github.ref == 'refs/heads/${settings.branch}'`,
    environment: { name: environment },
    // `contents: write` commits the pin; the rest as in a deploy.
    permissions: {
      contents: "write",
      actions: "read",
      deployments: "write",
      "id-token": "write",
    },
    timeoutMinutes: 45,
    concurrency: { group: `deploy-${environment}`, cancelInProgress: false },
    steps: [
      validateFunctionsInputs,
      checkoutStep,
      setupNodeStep(settings),
      installDependenciesStep(),
      findGatewayArtifactStep(settings, requestedSha256),
      checkEnvironmentRanStep(settings, "staging", deploymentTasks.gateway, requestedSha256),
      downloadGatewayArtifactStep(requestedSha256),
      verifyGatewayArtifactStep(requestedSha256),
      installPulumiStep,
      pulumiUpStep(environment, requestedSha256),
      recordDeploymentStep({
        environment,
        task: deploymentTasks.gateway,
        sha256: requestedSha256,
        pinned: "true",
      }),
      recordPinStep(settings, environment, requestedSha256),
    ],
  };
}

/**
 * Rollback by hand: choose the environment and what to roll back. Web (production): `vercel
 * rollback` to a given deployment (or the previous one). Functions: the gateway artifact with the
 * given hash, provenance-checked, deployed by `pulumi up` and pinned in the stack file.
 */
export function rollbackWorkflow(settings: WorkflowSettings): Workflow {
  const jobs: Record<string, Job> = {};
  for (const environment of environments) {
    jobs[`web-${environment}`] =
      environment === "production"
        ? rollbackWebJob(settings, environment)
        : stagingWebRollbackJob();
    jobs[`functions-${environment}`] = rollbackFunctionsJob(settings, environment);
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
          "functions-sha256": {
            description:
              "functions: gateway hash to roll back to (a deploy's `llm-gateway sha256` line, or a deployment record's payload)",
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
