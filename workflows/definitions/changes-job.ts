import type { Job } from "../job";
import { readContents } from "../permissions";
import { runStep } from "../step";
import { checkoutCommitStep } from "../steps";

/**
 * Whether the commit CI passed changed any of `paths` (globs ending in `/**` or file paths),
 * compared with its first parent: a merged pull request's whole change. Output `changed`.
 */
export function changesJob(condition: string, paths: string[]): Job {
  return {
    name: "Detect changes",
    if: condition,
    permissions: readContents,
    timeoutMinutes: 5,
    outputs: { changed: "${{ steps.diff.outputs.changed }}" },
    steps: [
      checkoutCommitStep(2),
      runStep(
        "Compare with the parent commit",
        [
          'read -r -a paths <<<"$CHANGE_PATHS"',
          'if git rev-parse --verify --quiet "HEAD^" >/dev/null && git diff --quiet "HEAD^" HEAD -- "${paths[@]}"; then',
          '  echo "changed=false" >> "$GITHUB_OUTPUT"',
          '  echo "No change under ${CHANGE_PATHS}: nothing to deploy"',
          "else",
          '  echo "changed=true" >> "$GITHUB_OUTPUT"',
          "fi",
        ].join("\n"),
        {
          id: "diff",
          env: { CHANGE_PATHS: paths.map((path) => path.replace(/\/\*\*$/, "")).join(" ") },
        },
      ),
    ],
  };
}
