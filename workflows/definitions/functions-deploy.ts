import { changeTriggers, onMainBranch } from "../change-triggers";
import {
  databaseMigrationSteps,
  deployFunctionsStep,
  functionsArtifactName,
  functionsArtifactPath,
  verifyArtifactStep,
} from "../function-artifact-steps";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import type { EnvironmentName, WorkflowSettings } from "../settings";
import { runStep, usesStep } from "../step";
import {
  checkoutStep,
  folderDigestFunction,
  installDependenciesStep,
  setupNodeStep,
} from "../steps";
import type { Workflow } from "../workflow";

const fileName = "functions-deploy.yml";
const bundledSha256 = "${{ needs.bundle.outputs.sha256 }}";

function deployJob(environment: EnvironmentName, options: Pick<Job, "needs" | "if">): Job {
  return {
    name: `Deploy ${environment}`,
    ...options,
    environment: { name: environment },
    permissions: readContents,
    timeoutMinutes: 20,
    concurrency: { group: `functions-deploy-${environment}`, cancelInProgress: false },
    steps: [
      // The checkout brings `supabase/migrations`; the functions come from the artifact only.
      checkoutStep,
      usesStep("Download the bundled functions", pinnedActions.downloadArtifact, {
        with: { name: functionsArtifactName(bundledSha256), path: functionsArtifactPath },
      }),
      verifyArtifactStep(bundledSha256),
      deployFunctionsStep,
      ...databaseMigrationSteps,
    ],
  };
}

/**
 * Supabase Edge Functions: tests, one bundle uploaded as an artifact named by its digest, deployed
 * to staging and, after approval of `production`, the same bytes (digest verified) to production;
 * database migrations are pushed to each environment with its deploy.
 */
export function functionsDeployWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [
    "functions/**",
    "supabase/**",
    "package-lock.json",
    `.github/workflows/${fileName}`,
  ];
  const mainBranchOnly = onMainBranch(settings);
  return {
    fileName,
    sourceFile: "workflows/definitions/functions-deploy.ts",
    name: "Functions deploy",
    on: changeTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      test: {
        name: "Test",
        permissions: readContents,
        timeoutMinutes: 30,
        steps: [
          checkoutStep,
          setupNodeStep(settings),
          installDependenciesStep(),
          runStep("Install system packages", "sudo bash scripts/install-system-packages.sh"),
          runStep("Test", "npm test"),
        ],
      },
      bundle: {
        name: "Bundle",
        needs: ["test"],
        if: mainBranchOnly,
        permissions: readContents,
        timeoutMinutes: 15,
        outputs: { sha256: "${{ steps.digest.outputs.sha256 }}" },
        steps: [
          checkoutStep,
          setupNodeStep(settings),
          installDependenciesStep(),
          runStep("Bundle the functions", "npm run bundle"),
          runStep(
            "Compute the artifact digest",
            [
              folderDigestFunction,
              `sha256="$(folder_digest "${functionsArtifactPath}")"`,
              'echo "sha256=${sha256}" >> "$GITHUB_OUTPUT"',
              'echo "Artifact digest: ${sha256}"',
              // The per-function hash is what platform:supabase.pinnedArtifactSha256 pins.
              `jq -r '"\\(.name) sha256 \\(.sha256)"' ${functionsArtifactPath}/*/manifest.json`,
            ].join("\n"),
            { id: "digest" },
          ),
          usesStep("Upload the bundled functions", pinnedActions.uploadArtifact, {
            with: {
              name: functionsArtifactName("${{ steps.digest.outputs.sha256 }}"),
              path: functionsArtifactPath,
              "if-no-files-found": "error",
              "retention-days": 90,
            },
          }),
        ],
      },
      "deploy-staging": deployJob("staging", { needs: ["bundle"] }),
      "deploy-production": deployJob("production", { needs: ["bundle", "deploy-staging"] }),
    },
  };
}
