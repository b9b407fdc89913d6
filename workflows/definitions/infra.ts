import { afterCiOnDeployBranch, deployTriggers } from "../change-triggers";
import {
  chooseGatewayArtifactStep,
  checkEnvironmentRanStep,
  deploymentTasks,
  downloadGatewayArtifactStep,
  findGatewayArtifactStep,
  functionsArtifactName,
  functionsArtifactPath,
  gatewayHashStep,
  installPulumiStep,
  pulumiUpStep,
  recordDeploymentStep,
  verifyGatewayArtifactStep,
} from "../gateway-artifact-steps";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import type { EnvironmentName, WorkflowSettings } from "../settings";
import { runStep, usesStep } from "../step";
import { checkoutCommitStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";

const bundledSha256 = "${{ needs.bundle.outputs.sha256 }}";
const chosenSha256 = "${{ steps.choose.outputs.sha256 }}";

/**
 * `pulumi up` of one stack, the only deployer of the gateway: it deploys the artifact chosen by
 * hash (this commit's bundle, or the stack file's pin), fetched from the run that built it after
 * its provenance is checked, verified against its manifest. Production first checks the record:
 * staging must have run that very hash successfully.
 */
function upJob(
  settings: WorkflowSettings,
  environment: EnvironmentName,
  options: Pick<Job, "needs" | "if">,
): Job {
  return {
    name: `pulumi up ${environment}`,
    ...options,
    environment: { name: environment },
    // `actions: read` fetches the artifact, `deployments: write` writes the record, `id-token:
    // write` lets the pulumi step exchange an OIDC token for a short-lived Pulumi Cloud token.
    permissions: { contents: "read", actions: "read", deployments: "write", "id-token": "write" },
    timeoutMinutes: 45,
    // One group per environment for every change to it: deploys and rollbacks queue, never race.
    concurrency: { group: `deploy-${environment}`, cancelInProgress: false },
    steps: [
      checkoutCommitStep(),
      setupNodeStep(settings),
      installDependenciesStep(),
      chooseGatewayArtifactStep(`Pulumi.${environment}.yaml`, bundledSha256),
      findGatewayArtifactStep(settings, chosenSha256),
      ...(environment === "production"
        ? [checkEnvironmentRanStep(settings, "staging", deploymentTasks.gateway, chosenSha256)]
        : []),
      downloadGatewayArtifactStep(chosenSha256),
      verifyGatewayArtifactStep(chosenSha256),
      installPulumiStep,
      pulumiUpStep(environment, chosenSha256),
      recordDeploymentStep({
        environment,
        task: deploymentTasks.gateway,
        sha256: chosenSha256,
        pinned: "${{ steps.choose.outputs.pinned }}",
      }),
    ],
  };
}

/**
 * Infrastructure and the gateway, after CI passed on a push to the deploy branch: the functions
 * are bundled once and uploaded as `functions-<gateway sha256>`; `pulumi up` of staging deploys
 * that artifact and records it; `pulumi up` of production (after approval) deploys the same
 * artifact, refusing a hash staging has not run. Pull requests get no job here: CI shows the
 * offline plan of both stacks without any credential.
 */
export function infraWorkflow(settings: WorkflowSettings): Workflow {
  const afterCi = afterCiOnDeployBranch(settings);
  return {
    fileName: "infra.yml",
    sourceFile: "workflows/definitions/infra.ts",
    name: "Infrastructure and gateway",
    on: { ...deployTriggers(settings) },
    permissions: readContents,
    jobs: {
      bundle: {
        name: "Bundle the functions",
        if: afterCi,
        permissions: readContents,
        timeoutMinutes: 15,
        outputs: { sha256: "${{ steps.hash.outputs.sha256 }}" },
        steps: [
          checkoutCommitStep(),
          setupNodeStep(settings),
          installDependenciesStep(),
          runStep("Bundle the functions", "npm run bundle -- --no-archive"),
          gatewayHashStep,
          usesStep("Upload the bundled functions", pinnedActions.uploadArtifact, {
            with: {
              name: functionsArtifactName("${{ steps.hash.outputs.sha256 }}"),
              path: functionsArtifactPath,
              "if-no-files-found": "error",
              "retention-days": 90,
            },
          }),
        ],
      },
      "up-staging": upJob(settings, "staging", { needs: ["bundle"] }),
      "up-production": upJob(settings, "production", { needs: ["bundle", "up-staging"] }),
    },
  };
}
