import { appTestJob, changeTriggers, onMainBranch } from "../change-triggers";
import type { Job } from "../job";
import { readContents } from "../permissions";
import {
  environmentSecretNames,
  environmentVariableNames,
  secretExpression,
  variableExpression,
} from "../github-names";
import type { EnvironmentName, WorkflowSettings } from "../settings";
import { runStep } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";

const fileName = "web-deploy.yml";

/** Vercel reads the token, team and project from the environment: never a `--token` flag. */
export const vercelEnvironment = {
  VERCEL_TOKEN: secretExpression(environmentSecretNames.vercelToken),
  VERCEL_ORG_ID: variableExpression(environmentVariableNames.vercelOrgId),
  VERCEL_PROJECT_ID: variableExpression(environmentVariableNames.vercelProjectId),
};

/**
 * Pull, build and deploy with the web app's own `vercel` devDependency, from the repository root
 * (the Vercel project's root directory points at the app folder), then expose the URL.
 */
function vercelDeployScript(target: "preview" | "production"): string {
  const production = target === "production" ? " --prod" : "";
  return [
    'vercel="./${WEB_APP_PATH}/node_modules/.bin/vercel"',
    `"$vercel" pull --yes --environment=${target}`,
    `"$vercel" build${production}`,
    `url="$("$vercel" deploy --prebuilt${production})"`,
    'echo "url=${url}" >> "$GITHUB_OUTPUT"',
    'echo "Deployed ${url}"',
  ].join("\n");
}

function deploySteps(settings: WorkflowSettings, target: "preview" | "production") {
  return [
    checkoutStep,
    setupNodeStep(settings),
    installDependenciesStep(settings.webAppPath),
    runStep("Deploy with the Vercel CLI", vercelDeployScript(target), {
      id: "deploy",
      env: vercelEnvironment,
    }),
  ];
}

function deployJob(
  settings: WorkflowSettings,
  environment: EnvironmentName,
  options: Pick<Job, "needs" | "if">,
): Job {
  return {
    name: `Deploy ${environment}`,
    ...options,
    environment: { name: environment, url: "${{ steps.deploy.outputs.url }}" },
    permissions: readContents,
    timeoutMinutes: 20,
    concurrency: { group: `web-deploy-${environment}`, cancelInProgress: false },
    env: { WEB_APP_PATH: settings.webAppPath },
    steps: deploySteps(settings, environment === "production" ? "production" : "preview"),
  };
}

/**
 * Web app on Vercel: tests, a preview deployment per pull request, staging on every push to the
 * main branch, production after approval of the `production` environment.
 */
export function webDeployWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [`${settings.webAppPath}/**`, `.github/workflows/${fileName}`];
  const mainBranchOnly = onMainBranch(settings);
  return {
    fileName,
    sourceFile: "workflows/definitions/web-deploy.ts",
    name: "Web deploy",
    on: changeTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      test: appTestJob(settings, settings.webAppPath),
      preview: {
        name: "Preview deployment",
        needs: ["test"],
        // Pull requests from forks get no secrets; they stop at the tests.
        if: "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
        // Previews use the staging Vercel project (its `preview` target) and its secrets.
        environment: { name: "staging", url: "${{ steps.deploy.outputs.url }}" },
        permissions: readContents,
        timeoutMinutes: 20,
        concurrency: {
          group: "web-preview-${{ github.event.pull_request.number }}",
          cancelInProgress: true,
        },
        env: { WEB_APP_PATH: settings.webAppPath },
        steps: deploySteps(settings, "preview"),
      },
      "deploy-staging": deployJob(settings, "staging", { needs: ["test"], if: mainBranchOnly }),
      "deploy-production": deployJob(settings, "production", {
        needs: ["deploy-staging"],
        if: mainBranchOnly,
      }),
    },
  };
}
