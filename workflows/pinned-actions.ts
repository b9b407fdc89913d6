/**
 * The one table of third-party actions the workflows may use. Every entry is pinned to a full
 * commit SHA (a tag can be moved; a commit cannot), and the renderer writes `# vX.Y.Z` after each
 * `uses:` so Dependabot and reviewers can read which release the SHA is.
 *
 * To upgrade an action: look up the commit its release tag points to
 * (`git ls-remote https://github.com/OWNER/REPO refs/tags/vX.Y.Z`), change both fields here,
 * run `npm run workflows`, and commit the re-rendered files.
 */
export interface PinnedAction {
  /** `owner/repository` (optionally `/path` for actions in a subfolder). @example "actions/checkout" */
  repository: string;
  /** Full 40-character commit SHA the release tag points to. */
  sha: string;
  /** The release tag the SHA belongs to, written as the `# vX.Y.Z` comment. @example "v5.0.0" */
  version: string;
}

export const pinnedActions = {
  checkout: {
    repository: "actions/checkout",
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
  },
  setupNode: {
    repository: "actions/setup-node",
    sha: "49933ea5288caeca8642d1e84afbd3f7d6820020",
    version: "v4.4.0",
  },
  uploadArtifact: {
    repository: "actions/upload-artifact",
    sha: "ea165f8d65b6e75b540449e92b4886f43607fa02",
    version: "v4.6.2",
  },
  downloadArtifact: {
    repository: "actions/download-artifact",
    sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093",
    version: "v4.3.0",
  },
  // expo/expo-github-action tags its releases without the "v" (this SHA is tag `9.0.0`); the
  // comment keeps the `vX.Y.Z` form every other pin uses.
  expo: {
    repository: "expo/expo-github-action",
    sha: "eab7a230208c952974db8c3245cfd78402c7b385",
    version: "v9.0.0",
  },
  pulumi: {
    repository: "pulumi/actions",
    sha: "8e5e406f4007fca908480587cb9893c07090f58d",
    version: "v7.0.0",
  },
} as const satisfies Record<string, PinnedAction>;

/** The `uses:` value of a pinned action, without the version comment. */
export function actionReference(action: PinnedAction): string {
  return `${action.repository}@${action.sha}`;
}

/** Finds the table entry a rendered `uses:` value came from, to write its version comment. */
export function findPinnedAction(reference: string): PinnedAction | undefined {
  return Object.values(pinnedActions).find((action) => actionReference(action) === reference);
}
