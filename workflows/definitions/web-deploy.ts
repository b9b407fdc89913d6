import { afterCiOnDeployBranch, appTestJob, deployTriggers } from "../change-triggers";
import {
  checkEnvironmentRanStep,
  deploymentTasks,
  recordDeploymentStep,
} from "../gateway-artifact-steps";
import {
  environmentSecretNames,
  environmentVariableNames,
  secretExpression,
  variableExpression,
} from "../github-names";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import type { WorkflowSettings } from "../settings";
import { runStep, usesStep, type Step } from "../step";
import {
  checkoutCommitStep,
  folderDigestFunction,
  installDependenciesStep,
  setupNodeStep,
} from "../steps";
import type { Workflow } from "../workflow";
import { changesJob } from "./changes-job";

const fileName = "web-deploy.yml";

/** Vercel reads the team and project from the environment; the token goes to single steps. */
export const vercelProjectEnvironment = {
  VERCEL_ORG_ID: variableExpression(environmentVariableNames.vercelOrgId),
  VERCEL_PROJECT_ID: variableExpression(environmentVariableNames.vercelProjectId),
};

/** `VERCEL_TOKEN` for the one step that talks to Vercel (never `--token` on a command line). */
export const vercelTokenEnvironment = {
  VERCEL_TOKEN: secretExpression(environmentSecretNames.vercelToken),
};

const vercel = 'vercel="./${WEB_APP_PATH}/node_modules/.bin/vercel"';

/** The prebuilt output `vercel build` writes, promoted to production byte for byte. */
const outputPath = ".vercel/output";

function vercelStep(name: string, script: string[], options: { id?: string } = {}): Step {
  return runStep(name, [vercel, ...script].join("\n"), {
    ...options,
    env: { ...vercelProjectEnvironment, ...vercelTokenEnvironment },
  });
}

/**
 * Staging builds once: `vercel pull` (token), `vercel build` (no token: the app's build scripts
 * run here), then the prebuilt output is digested, uploaded as `web-<sha256>` and deployed.
 */
function stagingJob(settings: WorkflowSettings): Job {
  return {
    name: "Deploy staging",
    needs: ["changes"],
    if: "needs.changes.outputs.changed == 'true'",
    environment: { name: "staging", url: "${{ steps.deploy.outputs.url }}" },
    permissions: { contents: "read", deployments: "write" },
    timeoutMinutes: 20,
    concurrency: { group: "web-deploy-staging", cancelInProgress: false },
    env: { WEB_APP_PATH: settings.webAppPath },
    outputs: { sha256: "${{ steps.digest.outputs.sha256 }}" },
    steps: [
      checkoutCommitStep(),
      setupNodeStep(settings),
      installDependenciesStep(settings.webAppPath),
      vercelStep("vercel pull", ['"$vercel" pull --yes --environment=preview']),
      runStep("vercel build", [vercel, '"$vercel" build'].join("\n"), {
        env: vercelProjectEnvironment,
      }),
      runStep(
        "Digest the prebuilt output",
        [
          folderDigestFunction,
          `sha256="$(folder_digest "${outputPath}")"`,
          'echo "sha256=${sha256}" >> "$GITHUB_OUTPUT"',
          'echo "Prebuilt output sha256 ${sha256}"',
        ].join("\n"),
        { id: "digest" },
      ),
      usesStep("Upload the prebuilt output", pinnedActions.uploadArtifact, {
        with: {
          name: "web-${{ steps.digest.outputs.sha256 }}",
          path: outputPath,
          "include-hidden-files": true,
          "if-no-files-found": "error",
          "retention-days": 90,
        },
      }),
      vercelStep(
        "vercel deploy --prebuilt",
        [
          'url="$("$vercel" deploy --prebuilt)"',
          'echo "url=${url}" >> "$GITHUB_OUTPUT"',
          'echo "Deployed ${url}"',
        ],
        { id: "deploy" },
      ),
      recordDeploymentStep({
        environment: "staging",
        task: deploymentTasks.web,
        sha256: "${{ steps.digest.outputs.sha256 }}",
        pinned: "false",
        url: "${{ steps.deploy.outputs.url }}",
      }),
    ],
  };
}

/**
 * Production promotes what staging built: the same `web-<sha256>` output, digest re-checked,
 * deployed with `vercel deploy --prebuilt --prod` after the record shows staging ran it. Nothing
 * is rebuilt.
 */
function productionJob(settings: WorkflowSettings): Job {
  const sha256 = "${{ needs.deploy-staging.outputs.sha256 }}";
  return {
    name: "Promote to production",
    needs: ["deploy-staging"],
    environment: { name: "production", url: "${{ steps.deploy.outputs.url }}" },
    permissions: { contents: "read", actions: "read", deployments: "write" },
    timeoutMinutes: 20,
    concurrency: { group: "web-deploy-production", cancelInProgress: false },
    env: { WEB_APP_PATH: settings.webAppPath },
    steps: [
      checkoutCommitStep(),
      setupNodeStep(settings),
      installDependenciesStep(settings.webAppPath),
      checkEnvironmentRanStep(settings, "staging", deploymentTasks.web, sha256),
      usesStep("Download the staging build", pinnedActions.downloadArtifact, {
        with: { name: `web-${sha256}`, path: outputPath },
      }),
      runStep(
        "Verify the staging build",
        [
          folderDigestFunction,
          `actual="$(folder_digest "${outputPath}")"`,
          'if [ "$actual" != "$EXPECTED_SHA256" ]; then',
          '  echo "::error::prebuilt output ${actual} is not the ${EXPECTED_SHA256} staging ran"',
          "  exit 1",
          "fi",
        ].join("\n"),
        { env: { EXPECTED_SHA256: sha256 } },
      ),
      vercelStep(
        "vercel deploy --prebuilt --prod",
        [
          'url="$("$vercel" deploy --prebuilt --prod)"',
          'echo "url=${url}" >> "$GITHUB_OUTPUT"',
          'echo "Promoted ${url}"',
        ],
        { id: "deploy" },
      ),
      recordDeploymentStep({
        environment: "production",
        task: deploymentTasks.web,
        sha256,
        pinned: "false",
        url: "${{ steps.deploy.outputs.url }}",
      }),
    ],
  };
}

/**
 * Web app on Vercel: tests on pull requests (no secret; Vercel's Git integration makes preview
 * deployments); after CI passed on a push that changed the app, one build deployed to staging
 * and, after approval of `production`, the same prebuilt output promoted to production.
 */
export function webDeployWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [`${settings.webAppPath}/**`, `.github/workflows/${fileName}`];
  return {
    fileName,
    sourceFile: "workflows/definitions/web-deploy.ts",
    name: "Web deploy",
    on: deployTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      test: appTestJob(settings, settings.webAppPath),
      changes: changesJob(afterCiOnDeployBranch(settings), paths),
      "deploy-staging": stagingJob(settings),
      "deploy-production": productionJob(settings),
    },
  };
}
