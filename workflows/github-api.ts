/**
 * Bash helpers the workflows use to talk to the GitHub REST API with the job's `GITHUB_TOKEN`
 * (given to the one step that needs it, as `GITHUB_TOKEN` in that step's env). The token travels
 * in a header read from a file descriptor, never on a command line; `--location` follows the
 * artifact download redirect and curl drops the header on the way to the other host.
 */
export const githubApiFunction = [
  "github_api() {",
  '  local method="$1" path="$2"',
  "  shift 2",
  '  curl --fail-with-body --silent --show-error --location --request "$method" \\',
  "    --header @<(printf 'Authorization: Bearer %s\\n' \"$GITHUB_TOKEN\") \\",
  "    --header 'Accept: application/vnd.github+json' --header 'X-GitHub-Api-Version: 2022-11-28' \\",
  '    "$@" "${GITHUB_API_URL:-https://api.github.com}${path}"',
  "}",
].join("\n");

/**
 * `check_run_provenance RUN_ID`: succeeds only for a run of the deploy workflow file, started by
 * `workflow_run` (CI passing on a push), on the deploy branch of this very repository. A run from a
 * pull request, a fork, another workflow file or another branch fails, and says why.
 */
export const checkRunProvenanceFunction = [
  "check_run_provenance() {",
  "  local run",
  '  run="$(github_api GET "/repos/${GITHUB_REPOSITORY}/actions/runs/$1")"',
  '  if jq -e --arg path "$DEPLOY_WORKFLOW_PATH" --arg branch "$DEPLOY_BRANCH" --arg repository "$GITHUB_REPOSITORY" \\',
  '    \'.path == $path and .event == "workflow_run" and .head_branch == $branch',
  "     and .repository.full_name == $repository and .head_repository.full_name == $repository' \\",
  '    <<<"$run" >/dev/null; then',
  "    return 0",
  "  fi",
  '  echo "::warning::run $1 is not a deploy of ${DEPLOY_BRANCH} in ${GITHUB_REPOSITORY}: $(jq -c \'{path, event, head_branch, repository: .repository.full_name, head_repository: .head_repository.full_name}\' <<<"$run")"',
  "  return 1",
  "}",
].join("\n");
