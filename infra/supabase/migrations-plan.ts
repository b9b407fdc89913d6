// What applying the migrations means in SQL, shared by the migrations provider (which sends it
// through the Management API's database query endpoint) and the local PGlite database. Applied
// migrations are recorded where the Supabase CLI records them, `supabase_migrations.schema_migrations`
// (version, name, statements), so `supabase db push` sees them as applied; their digests go to a
// table of this platform beside it. Serialized with the provider: plain functions only.
import type { MigrationFile, MigrationSource } from "./migrations-source";

/** A migration the database has recorded. */
export interface AppliedMigration {
  /** Its version. */
  version: string;
  /** Its name, as recorded (the CLI records it too). */
  name: string | null;
  /** The digest recorded when this platform applied it; null when something else applied it. */
  sha256: string | null;
}

/** What has to happen to bring a database to a list of migrations. */
export interface MigrationPlan {
  /** Not applied yet, in order. */
  pending: MigrationFile[];
  /** Applied, but the file's digest differs from the one recorded then. */
  changed: MigrationFile[];
  /** Applied by something else (e.g. `supabase db push`), no digest recorded: adopt this file's. */
  unverified: MigrationFile[];
}

/**
 * Compares the files with what the database recorded. Versions the database has but the files do
 * not (another tool's migrations) are left alone.
 * @param files - the migrations, in order.
 * @param applied - what {@link appliedMigrationsQuery} returned.
 */
export function planMigrations(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): MigrationPlan {
  const byVersion = new Map(applied.map((migration) => [migration.version, migration]));
  const plan: MigrationPlan = { pending: [], changed: [], unverified: [] };
  for (const file of files) {
    const recorded = byVersion.get(file.version);
    if (recorded === undefined) plan.pending.push(file);
    else if (recorded.sha256 === null) plan.unverified.push(file);
    else if (recorded.sha256 !== file.sha256) plan.changed.push(file);
  }
  return plan;
}

/** The CLI's history schema and table, and this platform's digests beside them. */
export const migrationHistorySetupSql = `create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text not null primary key,
  statements text[],
  name text
);
create table if not exists supabase_migrations.platform_migration_digests (
  version text not null primary key,
  name text not null,
  sha256 text not null,
  applied_at timestamptz not null default now()
);`;

/**
 * One row with `history` and `digests`: whether each table exists. Asked first, so reading the
 * history of a fresh database writes nothing.
 */
export const migrationHistoryPresenceQuery = `select
  to_regclass('supabase_migrations.schema_migrations') is not null as history,
  to_regclass('supabase_migrations.platform_migration_digests') is not null as digests`;

/**
 * The recorded migrations as rows of `version`, `name`, `sha256`.
 * @param withDigests - whether the digests table exists (see {@link migrationHistoryPresenceQuery}).
 */
export function appliedMigrationsQuery(withDigests: boolean): string {
  return withDigests
    ? `select history.version, history.name, digests.sha256
from supabase_migrations.schema_migrations history
left join supabase_migrations.platform_migration_digests digests using (version)
order by history.version`
    : `select version, name, null::text as sha256
from supabase_migrations.schema_migrations
order by version`;
}

/**
 * A SQL string literal of any text (standard_conforming_strings is on in every supported Postgres,
 * so only the quote is special). The Management API takes one SQL text without parameters.
 * @param value - the text.
 */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Applies one migration and records it, in one transaction: a failure leaves no trace of it. The
 * file's text is the only statement recorded, so the history keeps exactly what ran.
 * @param migration - the file.
 */
export function applyMigrationSql(migration: MigrationSource): string {
  const version = sqlLiteral(migration.version);
  const name = sqlLiteral(migration.name);
  // The newline ends a `--` comment on the file's last line before the terminating `;`.
  return `begin;
${migration.sql}
;
insert into supabase_migrations.schema_migrations (version, name, statements)
values (${version}, ${name}, array[${sqlLiteral(migration.sql)}]);
${recordDigestSql([migration])}
commit;`;
}

/**
 * Records the digests of migrations (new ones, or ones another tool applied), replacing none.
 * @param migrations - the files.
 */
export function recordDigestSql(migrations: readonly MigrationFile[]): string {
  const rows = migrations
    .map(
      (migration) =>
        `(${sqlLiteral(migration.version)}, ${sqlLiteral(migration.name)}, ${sqlLiteral(migration.sha256)})`,
    )
    .join(", ");
  return `insert into supabase_migrations.platform_migration_digests (version, name, sha256)
values ${rows}
on conflict (version) do nothing;`;
}

/**
 * Forgets that migrations were applied (their objects and data stay).
 * @param versions - the versions to forget.
 * @param withDigests - whether the digests table exists.
 */
export function forgetMigrationsSql(versions: readonly string[], withDigests: boolean): string {
  const list = versions.map(sqlLiteral).join(", ");
  const history = `delete from supabase_migrations.schema_migrations where version in (${list});`;
  return withDigests
    ? `${history}\ndelete from supabase_migrations.platform_migration_digests where version in (${list});`
    : history;
}

/**
 * The message of a migration that was changed after it was applied.
 * @param directory - the migrations folder as configured, e.g. `supabase/migrations`.
 * @param changed - the changed files.
 */
export function changedMigrationsMessage(
  directory: string,
  changed: readonly MigrationFile[],
): string {
  const files = changed.map((file) => `${directory}/${file.version}_${file.name}.sql`).join(", ");
  return (
    `${files} changed after ${changed.length === 1 ? "it was" : "they were"} applied to the database ` +
    `(the digest differs from the one recorded in supabase_migrations.platform_migration_digests): ` +
    `restore the applied content and put the change in a new migration`
  );
}
