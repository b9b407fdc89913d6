import {
  environmentSecretNames,
  environmentVariableNames,
  secretExpression,
  variableExpression,
} from "./github-names";
import { pinnedActions } from "./pinned-actions";
import { toolVersions } from "./settings";
import { runStep, usesStep, type Step } from "./step";
import { folderDigestFunction } from "./steps";

/** Where `npm run bundle` writes one folder per function, each with a `manifest.json`. */
export const functionsArtifactPath = "dist/functions";

/** Artifact name of a bundle: its digest, so a rollback can name the exact bytes it wants. */
export function functionsArtifactName(sha256Expression: string): string {
  return `functions-${sha256Expression}`;
}

/**
 * Checks every function of the artifact against its `manifest.json` the way
 * `functions/bundle/manifest.ts` defines the hash: each listed file's SHA-256 and size, no
 * unlisted file, and the function hash over the sorted `path\nsize\nsha256\n` lines.
 */
const verifyManifestsScript = [
  `for manifest in ${functionsArtifactPath}/*/manifest.json; do`,
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
  "done",
].join("\n");

/**
 * Fails unless the downloaded artifact has exactly the digest the bundle job recorded, and every
 * function in it matches its manifest.
 */
export const verifyArtifactStep = (expectedSha256: string): Step =>
  runStep(
    "Verify the artifact digest",
    [
      folderDigestFunction,
      `actual="$(folder_digest "${functionsArtifactPath}")"`,
      'if [ "$actual" != "$EXPECTED_SHA256" ]; then',
      '  echo "::error::artifact digest ${actual} does not match the bundled ${EXPECTED_SHA256}"',
      "  exit 1",
      "fi",
      'echo "Artifact verified: ${actual}"',
      verifyManifestsScript,
    ].join("\n"),
    { env: { EXPECTED_SHA256: expectedSha256 } },
  );

/**
 * Deploys every bundled function through the Supabase Management API
 * (`POST /v1/projects/{ref}/functions/deploy?slug=`, multipart `metadata` + files), so the bytes
 * that reach Supabase are the artifact's, not a rebuild. The token goes in a header read from a
 * file descriptor, never on the command line.
 */
const deployFunctionsScript = [
  `for manifest in ${functionsArtifactPath}/*/manifest.json; do`,
  '  directory="$(dirname "$manifest")"',
  '  slug="$(basename "$directory")"',
  '  entrypoint="$(jq -r \'.entrypoint // "index.js"\' "$manifest")"',
  '  verify_jwt="$(jq \'.verify_jwt // false\' "$manifest")"',
  '  metadata="$(jq -cn --arg name "$slug" --arg entrypoint "$entrypoint" --argjson verify_jwt "$verify_jwt" \\',
  "    '{name: $name, entrypoint_path: $entrypoint, verify_jwt: $verify_jwt}')\"",
  '  form=(--form "metadata=${metadata};type=application/json")',
  "  while IFS= read -r -d '' file; do",
  '    form+=(--form "file=@${file};filename=${file#"$directory"/}")',
  '  done < <(find "$directory" -type f ! -name manifest.json -print0 | LC_ALL=C sort -z)',
  "  curl --fail-with-body --silent --show-error --request POST \\",
  "    --header @<(printf 'Authorization: Bearer %s\\n' \"$SUPABASE_ACCESS_TOKEN\") \\",
  '    "${form[@]}" \\',
  '    "${SUPABASE_API_URL:-https://api.supabase.com}/v1/projects/${SUPABASE_PROJECT_REF}/functions/deploy?slug=${slug}"',
  '  echo "Deployed ${slug}"',
  "done",
].join("\n");

const supabaseEnvironment = {
  SUPABASE_ACCESS_TOKEN: secretExpression(environmentSecretNames.supabaseAccessToken),
  SUPABASE_PROJECT_REF: variableExpression(environmentVariableNames.supabaseProjectRef),
};

/** Deploys the verified artifact in `dist/functions` to the job's environment. */
export const deployFunctionsStep: Step = runStep("Deploy the functions", deployFunctionsScript, {
  env: supabaseEnvironment,
});

/** Applies `supabase/migrations` to the environment's database with the pinned Supabase CLI. */
export const databaseMigrationSteps: Step[] = [
  usesStep("Set up the Supabase CLI", pinnedActions.supabaseCli, {
    with: { version: toolVersions.supabaseCli },
  }),
  runStep(
    "Push database migrations",
    [
      // A repository without migrations (or without supabase/config.toml, which `npm run
      // templates` renders) has nothing to push; linking would fail on the missing config.
      "if [ ! -d supabase/migrations ] || [ ! -f supabase/config.toml ]; then",
      '  echo "::notice::no supabase/migrations or supabase/config.toml: no database migrations to push"',
      "  exit 0",
      "fi",
      'supabase link --project-ref "$SUPABASE_PROJECT_REF"',
      "supabase db push",
    ].join("\n"),
    {
      env: {
        ...supabaseEnvironment,
        SUPABASE_DB_PASSWORD: secretExpression(environmentSecretNames.supabaseDatabasePassword),
      },
    },
  ),
];
