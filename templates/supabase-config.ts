import { supabaseFunctions } from "../functions/bundle/supabase-functions";

/** Inputs of {@link renderSupabaseConfig}. */
export interface SupabaseConfigValues {
  /** `platform:supabase.projectRef` of the stack. */
  projectRef: string;
  /** `platform:supabase.verifyJwt` of the stack. */
  verifyJwt: boolean;
  /** Which stack, for the header. */
  source: { stackName: string; stackFile: string };
}

/** Paths in `supabase/config.toml` are relative to the `supabase/` folder. */
const fromSupabaseFolder = (repositoryPath: string) => `../${repositoryPath}`;

/**
 * `supabase/config.toml` for the Supabase CLI (`supabase start`, `supabase link`, `supabase db
 * push`), with every Edge Function pointing at its source under `functions/` and the shared
 * Deno import map.
 */
export function renderSupabaseConfig(values: SupabaseConfigValues): string {
  const functions = supabaseFunctions.flatMap((definition) => [
    "",
    `[functions.${definition.name}]`,
    "enabled = true",
    `verify_jwt = ${values.verifyJwt}`,
    `entrypoint = "${fromSupabaseFolder(definition.entry)}"`,
    `import_map = "${fromSupabaseFolder("functions/deno.json")}"`,
  ]);
  return [
    `# Rendered by \`npm run templates -- --stack ${values.source.stackName}\` from ${values.source.stackFile}.`,
    "# Edge Functions live in ../functions and deploy as content-hashed bundles (npm run bundle);",
    "# migrations live in ./migrations and reach each environment through `pulumi up`.",
    `project_id = "${values.projectRef}"`,
    ...functions,
    "",
  ].join("\n");
}
