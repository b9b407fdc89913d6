import { appTestJob, changeTriggers, onMainBranch } from "../change-triggers";
import { environmentSecretNames, secretExpression } from "../github-names";
import type { Job } from "../job";
import { pinnedActions } from "../pinned-actions";
import { readContents } from "../permissions";
import { toolVersions, type EnvironmentName, type WorkflowSettings } from "../settings";
import { runStep, usesStep } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";

const fileName = "mobile-build.yml";

/** EAS build profile each environment builds (profiles come from the rendered `eas.json`). */
const profiles: Record<EnvironmentName, string> = { staging: "preview", production: "production" };

function buildJob(
  settings: WorkflowSettings,
  environment: EnvironmentName,
  options: Pick<Job, "needs" | "if">,
): Job {
  const expoToken = secretExpression(environmentSecretNames.expoToken);
  return {
    name: `Build ${environment} (\${{ matrix.platform }})`,
    ...options,
    environment: { name: environment },
    permissions: readContents,
    timeoutMinutes: 30,
    concurrency: {
      group: `mobile-build-${environment}-\${{ matrix.platform }}`,
      cancelInProgress: false,
    },
    strategy: { failFast: false, matrix: { platform: ["ios", "android"] } },
    steps: [
      checkoutStep,
      setupNodeStep(settings),
      usesStep("Set up EAS", pinnedActions.expo, {
        with: { "eas-version": toolVersions.easCli, packager: "npm", token: expoToken },
      }),
      installDependenciesStep(settings.mobileAppPath),
      runStep(
        "Start the EAS build",
        // --no-wait: EAS builds on its own machines; the job only has to queue the build.
        'eas build --platform "$PLATFORM" --profile "$PROFILE" --non-interactive --no-wait',
        {
          workingDirectory: settings.mobileAppPath,
          env: {
            EXPO_TOKEN: expoToken,
            PLATFORM: "${{ matrix.platform }}",
            PROFILE: profiles[environment],
          },
        },
      ),
    ],
  };
}

/**
 * Expo app on EAS: tests on every change, then iOS and Android builds with the `preview` profile
 * for staging and, after approval of `production`, with the `production` profile.
 */
export function mobileBuildWorkflow(settings: WorkflowSettings): Workflow {
  const paths = [`${settings.mobileAppPath}/**`, `.github/workflows/${fileName}`];
  const mainBranchOnly = onMainBranch(settings);
  return {
    fileName,
    sourceFile: "workflows/definitions/mobile-build.ts",
    name: "Mobile build",
    on: changeTriggers(settings, paths),
    permissions: readContents,
    jobs: {
      test: appTestJob(settings, settings.mobileAppPath),
      "build-staging": buildJob(settings, "staging", { needs: ["test"], if: mainBranchOnly }),
      "build-production": buildJob(settings, "production", {
        needs: ["build-staging"],
        if: mainBranchOnly,
      }),
    },
  };
}
