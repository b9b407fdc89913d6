import {
  environmentSecretNames,
  handSetSecretNames,
  handSetVariableNames,
  secretExpression,
  variableExpression,
} from "./github-names";
import { checkRunProvenanceFunction, githubApiFunction } from "./github-api";
import { pinnedActions } from "./pinned-actions";
import { deployWorkflowFile, type WorkflowSettings } from "./settings";
import { runStep, usesStep, type Step } from "./step";

/** Where `npm run bundle` writes one folder per function, each with a `manifest.json`. */
export const functionsArtifactPath = "dist/functions";

/** The gateway's function name: its folder in the artifact and its Supabase slug. */
export const gatewayName = "llm-gateway";

/**
 * Artifact name of a bundle: the gateway manifest's SHA-256 (what
 * `platform:supabase.pinnedArtifactSha256` pins), so any later job finds the exact bytes by hash.
 */
export function functionsArtifactName(sha256Expression: string): string {
  return `functions-${sha256Expression}`;
}

/** Task of the GitHub deployment records: what a deployment deployed, next to its environment. */
export const deploymentTasks = { gateway: "deploy:gateway", web: "deploy:web" } as const;
export type DeploymentTask = (typeof deploymentTasks)[keyof typeof deploymentTasks];

/** The job's own token, for the one step that calls the GitHub API. */
export const githubTokenEnvironment = { GITHUB_TOKEN: "${{ github.token }}" };

/** What the provenance checks compare a run with. */
export function provenanceEnvironment(settings: WorkflowSettings): Record<string, string> {
  return { DEPLOY_WORKFLOW_PATH: deployWorkflowFile, DEPLOY_BRANCH: settings.branch };
}

/**
 * Checks every function folder matched by `$ARTIFACT_GLOB` against its `manifest.json` the way
 * `functions/bundle/manifest.ts` defines the hash: each listed file's SHA-256 and size, no unlisted
 * file, and the function hash over the sorted `path\nsize\nsha256\n` lines.
 */
const verifyManifestsScript = [
  "verified=0",
  "for manifest in $ARTIFACT_GLOB; do",
  '  [ -f "$manifest" ] || continue',
  '  directory="$(dirname "$manifest")"',
  '  name="$(jq -r .name "$manifest")"',
  "  while IFS=$'\\t' read -r path size sha256; do",
  '    if [ ! -f "${directory}/${path}" ] || [ "$(stat -c %s "${directory}/${path}")" != "$size" ] \\',
  '      || [ "$(sha256sum "${directory}/${path}" | cut -d \' \' -f 1)" != "$sha256" ]; then',
  '      echo "::error::${name}: ${path} does not match its manifest"',
  "      exit 1",
  "    fi",
  "  done < <(jq -r '.files[] | [.path, (.size | tostring), .sha256] | @tsv' \"$manifest\")",
  '  listed="$(jq \'.files | length\' "$manifest")"',
  '  present="$(find "$directory" -type f ! -name manifest.json | wc -l)"',
  '  if [ "$listed" != "$present" ]; then',
  '    echo "::error::${name}: ${present} files present, the manifest lists ${listed}"',
  "    exit 1",
  "  fi",
  '  computed="$(jq -j \'.files | sort_by(.path) | .[] | "\\(.path)\\n\\(.size)\\n\\(.sha256)\\n"\' "$manifest" | sha256sum | cut -d \' \' -f 1)"',
  '  if [ "$computed" != "$(jq -r .sha256 "$manifest")" ]; then',
  '    echo "::error::${name}: the manifest\'s sha256 does not match its file list"',
  "    exit 1",
  "  fi",
  '  echo "${name} verified: sha256 ${computed}"',
  "  verified=$((verified + 1))",
  "done",
  'if [ "$verified" -eq 0 ]; then',
  '  echo "::error::no manifest.json matches ${ARTIFACT_GLOB}"',
  "  exit 1",
  "fi",
].join("\n");

/** Bundle job: checks every bundled function and outputs the gateway's hash (`sha256`). */
export const gatewayHashStep: Step = runStep(
  "Compute the gateway hash",
  [
    verifyManifestsScript,
    `sha256="$(jq -r .sha256 "${functionsArtifactPath}/${gatewayName}/manifest.json")"`,
    'echo "sha256=${sha256}" >> "$GITHUB_OUTPUT"',
    // The hash is the artifact's name and what platform:supabase.pinnedArtifactSha256 pins.
    `echo "${gatewayName} sha256 \${sha256}"`,
  ].join("\n"),
  { id: "hash", env: { ARTIFACT_GLOB: `${functionsArtifactPath}/*/manifest.json` } },
);

/**
 * Chooses the gateway artifact a stack deploys: the stack file's pin
 * (`platform:supabase.pinnedArtifactSha256`, recorded by a rollback) wins over this commit's
 * bundle. Outputs `sha256` and `pinned`.
 */
export function chooseGatewayArtifactStep(stackFile: string, bundledSha256: string): Step {
  return runStep(
    "Choose the gateway artifact",
    [
      'pinned="$(node --import tsx functions/bundle/stack-pin-cli.ts read --file "$STACK_FILE")"',
      'if [ -n "$pinned" ]; then',
      '  echo "::notice::${STACK_FILE} pins the gateway to ${pinned} (a rollback); this commit bundled ${BUNDLED_SHA256:-nothing}"',
      '  echo "sha256=${pinned}" >> "$GITHUB_OUTPUT"',
      '  echo "pinned=true" >> "$GITHUB_OUTPUT"',
      "else",
      '  if ! [[ "$BUNDLED_SHA256" =~ ^[0-9a-f]{64}$ ]]; then',
      '    echo "::error::the bundle job reported no gateway hash"',
      "    exit 1",
      "  fi",
      '  echo "sha256=${BUNDLED_SHA256}" >> "$GITHUB_OUTPUT"',
      '  echo "pinned=false" >> "$GITHUB_OUTPUT"',
      "fi",
    ].join("\n"),
    { id: "choose", env: { STACK_FILE: stackFile, BUNDLED_SHA256: bundledSha256 } },
  );
}

/**
 * Finds the newest unexpired artifact named by the hash whose run passes the provenance check
 * (deploy workflow, `workflow_run` after CI on a push, deploy branch, this repository); outputs
 * `artifact_id` and `run_id`. Artifacts of pull request runs, forks or other workflows are skipped.
 */
export function findGatewayArtifactStep(settings: WorkflowSettings, sha256: string): Step {
  return runStep(
    "Find the gateway artifact and check its provenance",
    [
      githubApiFunction,
      checkRunProvenanceFunction,
      'name="functions-${GATEWAY_SHA256}"',
      'listing="$(github_api GET "/repos/${GITHUB_REPOSITORY}/actions/artifacts?name=${name}&per_page=100")"',
      "while IFS=$'\\t' read -r artifact_id run_id; do",
      '  [ -n "$artifact_id" ] || continue',
      '  if check_run_provenance "$run_id"; then',
      '    echo "artifact_id=${artifact_id}" >> "$GITHUB_OUTPUT"',
      '    echo "run_id=${run_id}" >> "$GITHUB_OUTPUT"',
      '    echo "${name}: artifact ${artifact_id} of deploy run ${run_id}"',
      "    exit 0",
      "  fi",
      'done < <(jq -r --arg name "$name" \'.artifacts | map(select(.name == $name and (.expired | not)))',
      '  | sort_by(.created_at) | reverse | .[] | [(.id | tostring), (.workflow_run.id | tostring)] | @tsv\' <<<"$listing")',
      'echo "::error::no artifact ${name} built by ${DEPLOY_WORKFLOW_PATH} on ${DEPLOY_BRANCH} of ${GITHUB_REPOSITORY} (expired, or never built there)"',
      "exit 1",
    ].join("\n"),
    {
      id: "find",
      env: {
        ...githubTokenEnvironment,
        ...provenanceEnvironment(settings),
        GATEWAY_SHA256: sha256,
      },
    },
  );
}

/**
 * Fails unless `environment` has a successful deployment record of this artifact (task `task`),
 * written by a deploy or rollback run of the deploy branch: production deploys only what staging
 * ran, checked against the record rather than assumed from the job graph.
 */
export function checkEnvironmentRanStep(
  settings: WorkflowSettings,
  environment: string,
  task: DeploymentTask,
  sha256: string,
): Step {
  return runStep(
    `Check that ${environment} ran this artifact`,
    [
      githubApiFunction,
      'records="$(github_api GET "/repos/${GITHUB_REPOSITORY}/deployments?environment=${RECORD_ENVIRONMENT}&task=${TASK}&per_page=100")"',
      "while IFS=$'\\t' read -r deployment_id run_id; do",
      '  [ -n "$deployment_id" ] || continue',
      '  run="$(github_api GET "/repos/${GITHUB_REPOSITORY}/actions/runs/${run_id}")" || continue',
      '  if ! jq -e --arg branch "$DEPLOY_BRANCH" --arg repository "$GITHUB_REPOSITORY" --arg deploy "$DEPLOY_WORKFLOW_PATH" --arg rollback "$ROLLBACK_WORKFLOW_PATH" \\',
      '    \'((.path == $deploy and .event == "workflow_run") or (.path == $rollback and .event == "workflow_dispatch"))',
      '     and .head_branch == $branch and .repository.full_name == $repository\' <<<"$run" >/dev/null; then',
      '    echo "::warning::deployment ${deployment_id} was recorded by run ${run_id}, which is not a deploy or rollback of ${DEPLOY_BRANCH}: ignored"',
      "    continue",
      "  fi",
      '  if github_api GET "/repos/${GITHUB_REPOSITORY}/deployments/${deployment_id}/statuses?per_page=100" \\',
      "    | jq -e 'any(.[]; .state == \"success\")' >/dev/null; then",
      '    echo "${RECORD_ENVIRONMENT} ran ${ARTIFACT_SHA256} successfully (deployment ${deployment_id}, run ${run_id})"',
      "    exit 0",
      "  fi",
      'done < <(jq -r --arg sha "$ARTIFACT_SHA256" \'.[] | select(.payload.artifact_sha256 == $sha)',
      '  | [(.id | tostring), (.payload.run_id | tostring)] | @tsv\' <<<"$records")',
      'echo "::error::${RECORD_ENVIRONMENT} has not run ${TASK} ${ARTIFACT_SHA256} successfully; only what ${RECORD_ENVIRONMENT} ran may be deployed here"',
      "exit 1",
    ].join("\n"),
    {
      env: {
        ...githubTokenEnvironment,
        ...provenanceEnvironment(settings),
        ROLLBACK_WORKFLOW_PATH: ".github/workflows/rollback.yml",
        RECORD_ENVIRONMENT: environment,
        TASK: task,
        ARTIFACT_SHA256: sha256,
      },
    },
  );
}

/** Downloads the artifact `find` located into `.artifacts/llm-gateway/<sha256>/`. */
export function downloadGatewayArtifactStep(sha256: string): Step {
  return runStep(
    "Download the gateway artifact",
    [
      githubApiFunction,
      'archive="$(mktemp)"',
      'unpacked="$(mktemp -d)"',
      'github_api GET "/repos/${GITHUB_REPOSITORY}/actions/artifacts/${ARTIFACT_ID}/zip" --output "$archive"',
      'unzip -q "$archive" -d "$unpacked"',
      `target=".artifacts/${gatewayName}/\${GATEWAY_SHA256}"`,
      'rm -rf "$target"',
      'mkdir -p "$(dirname "$target")"',
      `mv "\${unpacked}/${gatewayName}" "$target"`,
      'echo "Downloaded artifact ${ARTIFACT_ID} into ${target}"',
    ].join("\n"),
    {
      env: {
        ...githubTokenEnvironment,
        ARTIFACT_ID: "${{ steps.find.outputs.artifact_id }}",
        GATEWAY_SHA256: sha256,
      },
    },
  );
}

/** Fails unless `.artifacts/llm-gateway/<sha256>/` matches its manifest and the manifest the hash. */
export function verifyGatewayArtifactStep(sha256: string): Step {
  return runStep(
    "Verify the gateway artifact",
    [
      verifyManifestsScript,
      `manifest=".artifacts/${gatewayName}/\${GATEWAY_SHA256}/manifest.json"`,
      'if [ "$(jq -r .sha256 "$manifest")" != "$GATEWAY_SHA256" ]; then',
      '  echo "::error::the downloaded manifest is $(jq -r .sha256 "$manifest"), not ${GATEWAY_SHA256}"',
      "  exit 1",
      "fi",
    ].join("\n"),
    {
      env: {
        GATEWAY_SHA256: sha256,
        ARTIFACT_GLOB: `.artifacts/${gatewayName}/${sha256}/manifest.json`,
      },
    },
  );
}

/** Installs the Pulumi CLI only (no `command`): the `pulumi` step below runs it with its token. */
export const installPulumiStep: Step = usesStep("Install the Pulumi CLI", pinnedActions.pulumi);

/**
 * `pulumi up` of one stack, deploying exactly the chosen gateway artifact (pinned on this runner's
 * copy of the stack file, so the program resolves it from `.artifacts/`). Pulumi Cloud access: a
 * short-lived token from the job's OIDC token when `PULUMI_OIDC_ORGANIZATION` is set, otherwise
 * `PULUMI_ACCESS_TOKEN`. Both it and `PULUMI_CONFIG_PASSPHRASE` exist only in this step.
 */
export function pulumiUpStep(stack: string, sha256: string): Step {
  return runStep(
    "pulumi up",
    [
      'if [ -n "${PULUMI_OIDC_ORGANIZATION:-}" ]; then',
      '  id_token="$(curl --fail-with-body --silent --show-error \\',
      "    --header @<(printf 'Authorization: Bearer %s\\n' \"$ACTIONS_ID_TOKEN_REQUEST_TOKEN\") \\",
      '    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=urn:pulumi:org:${PULUMI_OIDC_ORGANIZATION}" | jq -r .value)"',
      '  request="$(jq -cn --arg organization "$PULUMI_OIDC_ORGANIZATION" --arg token "$id_token" \\',
      '    --arg type "${PULUMI_OIDC_TOKEN_TYPE:-organization}" --arg scope "${PULUMI_OIDC_SCOPE:-}" \\',
      '    \'{audience: ("urn:pulumi:org:" + $organization), grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",',
      '      subject_token_type: "urn:ietf:params:oauth:token-type:id_token", subject_token: $token,',
      '      requested_token_type: ("urn:pulumi:token-type:access_token:" + $type), scope: $scope, expiration: 3600}\')"',
      '  PULUMI_ACCESS_TOKEN="$(curl --fail-with-body --silent --show-error --request POST \\',
      "    --header 'Content-Type: application/json' --data @<(printf '%s' \"$request\") \\",
      '    "${PULUMI_API_URL:-https://api.pulumi.com}/api/oauth/token" | jq -r .access_token)"',
      '  echo "::add-mask::${PULUMI_ACCESS_TOKEN}"',
      '  echo "Pulumi Cloud: short-lived token for ${PULUMI_OIDC_ORGANIZATION} from the job\'s OIDC token"',
      "fi",
      'if [ -z "${PULUMI_ACCESS_TOKEN:-}" ]; then',
      '  echo "::error::no Pulumi Cloud credentials: set PULUMI_OIDC_ORGANIZATION (OIDC) or the PULUMI_ACCESS_TOKEN environment secret"',
      "  exit 1",
      "fi",
      "export PULUMI_ACCESS_TOKEN",
      'node --import tsx functions/bundle/stack-pin-cli.ts write --file "Pulumi.${STACK}.yaml" --sha256 "$GATEWAY_SHA256"',
      'pulumi up --yes --non-interactive --stack "$STACK"',
    ].join("\n"),
    {
      env: {
        STACK: stack,
        GATEWAY_SHA256: sha256,
        PULUMI_ACCESS_TOKEN: secretExpression(environmentSecretNames.pulumiAccessToken),
        PULUMI_CONFIG_PASSPHRASE: secretExpression(handSetSecretNames.pulumiConfigPassphrase),
        PULUMI_OIDC_ORGANIZATION: variableExpression(handSetVariableNames.pulumiOidcOrganization),
        PULUMI_OIDC_TOKEN_TYPE: variableExpression(handSetVariableNames.pulumiOidcTokenType),
        PULUMI_OIDC_SCOPE: variableExpression(handSetVariableNames.pulumiOidcScope),
      },
    },
  );
}

/**
 * Records what ran: a GitHub deployment of `task` in `environment` for the commit, with the
 * artifact hash and the run in its payload, and a `success` status. Later jobs read this record.
 */
export function recordDeploymentStep(options: {
  environment: string;
  task: DeploymentTask;
  sha256: string;
  pinned: string;
  url?: string;
}): Step {
  return runStep(
    "Record the deployment",
    [
      githubApiFunction,
      'request="$(jq -cn --arg ref "$COMMIT_SHA" --arg environment "$RECORD_ENVIRONMENT" --arg task "$TASK" \\',
      '  --arg sha256 "$ARTIFACT_SHA256" --arg run "$RUN_ID" --argjson pinned "$PINNED" \\',
      "  '{ref: $ref, environment: $environment, task: $task, auto_merge: false, required_contexts: [],",
      '    production_environment: ($environment == "production"), description: ($task + " " + $sha256),',
      "    payload: {artifact_sha256: $sha256, run_id: $run, pinned: $pinned}}')\"",
      'deployment_id="$(github_api POST "/repos/${GITHUB_REPOSITORY}/deployments" --data "$request" | jq -r .id)"',
      'status="$(jq -cn --arg url "${ENVIRONMENT_URL:-}" --arg log "${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY}/actions/runs/${RUN_ID}" \\',
      '  \'{state: "success", log_url: $log} + (if $url == "" then {} else {environment_url: $url} end)\')"',
      'github_api POST "/repos/${GITHUB_REPOSITORY}/deployments/${deployment_id}/statuses" --data "$status" >/dev/null',
      'echo "Recorded ${TASK} ${ARTIFACT_SHA256} in ${RECORD_ENVIRONMENT} (deployment ${deployment_id})"',
    ].join("\n"),
    {
      env: {
        ...githubTokenEnvironment,
        RECORD_ENVIRONMENT: options.environment,
        TASK: options.task,
        ARTIFACT_SHA256: options.sha256,
        PINNED: options.pinned,
        COMMIT_SHA: "${{ github.event.workflow_run.head_sha || github.sha }}",
        RUN_ID: "${{ github.run_id }}",
        ...(options.url === undefined ? {} : { ENVIRONMENT_URL: options.url }),
      },
    },
  );
}

/**
 * Records a rollback's pin in the stack file on the deploy branch (contents API), so every later
 * `pulumi up`, on any runner, keeps deploying the pinned artifact until someone removes the pin.
 * The file is read from the branch (not this checkout) so concurrent edits are never overwritten.
 */
export function recordPinStep(settings: WorkflowSettings, stack: string, sha256: string): Step {
  return runStep(
    "Record the pin in the stack file",
    [
      githubApiFunction,
      'file="Pulumi.${STACK}.yaml"',
      'current="$(github_api GET "/repos/${GITHUB_REPOSITORY}/contents/${file}?ref=${DEPLOY_BRANCH}")"',
      'edited="$(mktemp)"',
      'jq -r .content <<<"$current" | base64 --decode > "$edited"',
      'node --import tsx functions/bundle/stack-pin-cli.ts write --file "$edited" --sha256 "$GATEWAY_SHA256"',
      'request="$(jq -cn --arg message "rollback: pin the gateway of ${STACK} to ${GATEWAY_SHA256}" \\',
      '  --arg content "$(base64 --wrap=0 "$edited")" --arg sha "$(jq -r .sha <<<"$current")" --arg branch "$DEPLOY_BRANCH" \\',
      "  '{message: $message, content: $content, sha: $sha, branch: $branch}')\"",
      'if ! github_api PUT "/repos/${GITHUB_REPOSITORY}/contents/${file}" --data "$request" >/dev/null; then',
      '  echo "::error::deployed ${GATEWAY_SHA256}, but could not commit the pin to ${file} on ${DEPLOY_BRANCH}: commit platform:supabase.pinnedArtifactSha256: ${GATEWAY_SHA256} yourself, or the next pulumi up deploys the newest build again"',
      "  exit 1",
      "fi",
      'echo "Pinned ${file} to ${GATEWAY_SHA256} on ${DEPLOY_BRANCH}"',
    ].join("\n"),
    {
      env: {
        ...githubTokenEnvironment,
        STACK: stack,
        GATEWAY_SHA256: sha256,
        DEPLOY_BRANCH: settings.branch,
      },
    },
  );
}
