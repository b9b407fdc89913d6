import { pinnedActions } from "./pinned-actions";
import type { WorkflowSettings } from "./settings";
import { runStep, usesStep, type RunStep, type UsesStep } from "./step";

/** Checkout that leaves no token in `.git/config` for later steps to read. */
export const checkoutStep: UsesStep = usesStep("Check out", pinnedActions.checkout, {
  with: { "persist-credentials": false },
});

/**
 * Checkout of the commit a `workflow_run` event names (the commit CI passed), not the default
 * branch's newest commit, which may not have passed CI yet.
 */
export function checkoutCommitStep(fetchDepth?: number): UsesStep {
  return usesStep("Check out the commit CI passed", pinnedActions.checkout, {
    with: {
      "persist-credentials": false,
      ref: "${{ github.event.workflow_run.head_sha }}",
      ...(fetchDepth === undefined ? {} : { "fetch-depth": fetchDepth }),
    },
  });
}

/** Node.js from `setup-node`; no dependency cache, so a pull request cannot poison deploy jobs. */
export function setupNodeStep(settings: WorkflowSettings): UsesStep {
  return usesStep("Set up Node.js", pinnedActions.setupNode, {
    with: { "node-version": settings.nodeVersion },
  });
}

/**
 * Installs exactly the locked dependency versions (`npm ci`), optionally in an app folder. The
 * step never receives a token: dependency install scripts run here.
 */
export function installDependenciesStep(workingDirectory?: string): RunStep {
  return runStep(
    "Install dependencies",
    "npm ci --no-audit --no-fund",
    workingDirectory ? { workingDirectory } : {},
  );
}

/** `npm test`, optionally in an app folder. */
export function testStep(workingDirectory?: string): RunStep {
  return runStep("Test", "npm test", workingDirectory ? { workingDirectory } : {});
}

/**
 * Bash function printing one SHA-256 over every file of a folder (sorted paths and contents), so
 * the bundle job and each deploy job compute the same digest for the same artifact.
 */
export const folderDigestFunction = [
  "folder_digest() {",
  "  (cd \"$1\" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d ' ' -f 1)",
  "}",
].join("\n");
