// The SQL the worker wake-up resource runs through the Management API's query endpoint, which takes
// no bind parameters: values become string literals here, and nowhere else. Supabase Vault's own
// functions do the writing (`vault.create_secret(secret, name)`, `vault.update_secret(id, secret)`),
// so the values are encrypted as a hand-made entry would be. These functions are serialized with
// the provider (see worker-wake-up-provider.ts), so they use nothing but their arguments.

/** The Vault entry names `public.llm_jobs_wake_worker()` reads (the schedule migration). */
export const vaultEntryNames = { url: "job_worker_url", token: "job_worker_token" } as const;

/**
 * A Postgres string literal holding `value`. The `E'…'` form with `\` and `'` doubled means the
 * same whatever `standard_conforming_strings` is; NUL cannot be stored in `text` and is refused.
 * @param value - any string without NUL.
 * @param label - what the value is, for the error, e.g. `workerToken`; the value is never quoted.
 */
export function sqlStringLiteral(value: string, label: string): string {
  if (value.includes("\u0000")) {
    throw new Error(`${label} contains a NUL character, which a Vault secret cannot hold`);
  }
  return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * Sets each entry: `vault.update_secret` by id when an entry of that name exists, otherwise
 * `vault.create_secret`; running it twice changes nothing more.
 * @param entries - secret value by Vault entry name.
 */
export function upsertVaultEntriesSql(entries: Record<string, string>): string {
  return Object.keys(entries)
    .sort()
    .map((name) => {
      const nameLiteral = sqlStringLiteral(name, "the Vault entry name");
      const valueLiteral = sqlStringLiteral(entries[name], `the Vault entry ${name}`);
      return [
        `select vault.update_secret(id, ${valueLiteral}) from vault.secrets where name = ${nameLiteral};`,
        `select vault.create_secret(${valueLiteral}, ${nameLiteral})`,
        `  where not exists (select 1 from vault.secrets where name = ${nameLiteral});`,
      ].join("\n");
    })
    .join("\n");
}

/**
 * Lists the entries that exist among `names` with the hex SHA-256 of their decrypted value, so the
 * value itself never leaves the database.
 * @param names - Vault entry names.
 */
export function vaultDigestsQuery(names: readonly string[]): string {
  const list = names.map((name) => sqlStringLiteral(name, "the Vault entry name")).join(", ");
  return [
    "select name, encode(sha256(convert_to(decrypted_secret, 'UTF8')), 'hex') as sha256",
    `from vault.decrypted_secrets where name in (${list}) order by name;`,
  ].join("\n");
}

/**
 * Removes the entries among `names`; absent ones are no error.
 * @param names - Vault entry names.
 */
export function deleteVaultEntriesSql(names: readonly string[]): string {
  const list = names.map((name) => sqlStringLiteral(name, "the Vault entry name")).join(", ");
  return `delete from vault.secrets where name in (${list});`;
}
