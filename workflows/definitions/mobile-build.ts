import { afterCiOnDeployBranch, appTestJob, deployTriggers } from "../change-triggers";
import { environmentSecretNames, secretExpression } from "../github-names";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import { toolVersions, type EnvironmentName, type WorkflowSettings } from "../settings";
import { runStep, usesStep } from "../step";
import { checkoutCommitStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";
import { changesJob } from "./changes-job";

const fileName = "mobile-build.yml";

/** EAS build profile each environment builds (profiles come from the rendered `eas.json`). */
const profiles: Record<EnvironmentName, string> = { staging: "preview", production: "production" };

function buildJob(
  settings: WorkflowSettings,
  environment: EnvironmentName,
  options: Pick<Job, "needs" | "if">,
): Job {
  return {
    name: `Build ${environment} (\${{ matrix.platform }})`,
    ...options,
    environment: { name: environment },
    permissions: readContents,
    // EAS builds on its own machines; the job waits for the result (the build's own timeout
    // bounds it), so a failed staging build stops production.
    timeoutMinutes: 90,
    concurrency: {
      group: `mobile-build-${environment}-\${{ matrix.platform }}`,
      cancelInProgress: false,
    },
    strategy: { failFast: false, matrix: { platform: ["ios", "android"] } },
    steps: [
      checkoutCommitStep(),
      setupNodeStep(settings),
      // No token here: the action only installs eas-cli; EXPO_TOKEN reaches the build step alone.
      usesStep("Set up EAS", pinnedActions.expo, {
        with: { "eas-version": toolVersions.easCli, packager: "npm" },
      }),
      installDependenciesStep(settings.mobileAppPath),
      runStep(
        "eas build --wait",
        'eas build --platform "$PLATFORM" --profile "$PROFILE" --non-interactive --wait',
        {
          workingDirectory: settings.mobileAppPath,
          env: {
            EXPO_TOKEN: secretExpression(environmentSecretNames.expoToken),
            PLATFORM: "${{ matrix.platform }}",
            PROFILE: profiles[environment],
          },
        },
      ),
    ],
  };
}

/**
 * Expo app on EAS: tests on pull requests; after CI passed on a push that changed the app, iOS and
 * Android builds with the `preview` profile for staging, waited for until EAS reports success, and
 * only then (after approval of `production`) with the `production` profile.
 */
export function mobileBuildWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [`${settings.mobileAppPath}/**`, `.github/workflows/${fileName}`];
  return {
    fileName,
    sourceFile: "workflows/definitions/mobile-build.ts",
    name: "Mobile build",
    on: deployTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      test: appTestJob(settings, settings.mobileAppPath),
      changes: changesJob(afterCiOnDeployBranch(settings), paths),
      "build-staging": buildJob(settings, "staging", {
        needs: ["changes"],
        if: "needs.changes.outputs.changed == 'true'",
      }),
      "build-production": buildJob(settings, "production", { needs: ["build-staging"] }),
    },
  };
}
