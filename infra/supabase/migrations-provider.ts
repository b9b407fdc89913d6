// Dynamic provider that applies the SQL migrations in `supabase/migrations/` through the Management
// API's database query endpoint (`POST /v1/projects/{ref}/database/query`, body `{ "query" }`), in
// version order, each in its own transaction with its record in the Supabase CLI's history table,
// so `supabase db push` sees it as applied. A migration changed after it was applied is an error
// naming its file; a failing one stops the run with its file and the database's message. Pulumi
// serializes this object into the state and runs it in `cmd/dynamic-provider`: it captures only
// functions and the session its `configure` fills, and the access token never reaches the outputs.
import type * as pulumi from "@pulumi/pulumi";
import {
  configureSession,
  managementTarget,
  newProviderSession,
  unknownInputValue,
  type ManagementTarget,
} from "./access-token";
import { isNotFound, managementRequest } from "./management-request";
import {
  appliedMigrationsQuery,
  applyMigrationSql,
  changedMigrationsMessage,
  forgetMigrationsSql,
  migrationHistoryPresenceQuery,
  migrationHistorySetupSql,
  planMigrations,
  recordDigestSql,
  type AppliedMigration,
} from "./migrations-plan";
import { readMigrations, type MigrationFile, type MigrationSource } from "./migrations-source";
import { resolveFromProject } from "./project-directory";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface MigrationsProviderInputs {
  /** Management API base URL. */
  apiUrl: string;
  /**
   * Personal access token (a Pulumi secret in the program). Used by the operations that receive
   * inputs; `read` and `delete` use `platform:supabaseAccessToken` from the stack config.
   */
  accessToken?: string;
  /** The project whose database is migrated. */
  projectRef: string;
  /**
   * The migrations folder, relative to the Pulumi project directory (found upwards from the
   * provider's working directory); not part of the diff.
   */
  migrationsDirectory: string;
  /** Every migration, in order, with the digest the program read; a change is an update. */
  migrations: MigrationFile[];
}

/** What the provider stores: the inputs without the token, and what the database recorded. */
export interface MigrationsProviderOutputs extends Omit<MigrationsProviderInputs, "accessToken"> {
  /** The migrations of {@link MigrationsProviderInputs.migrations} the database has recorded. */
  applied: AppliedMigration[];
}

/** The dynamic provider type of {@link createMigrationsProvider}. */
export type MigrationsProvider = pulumi.dynamic.ResourceProvider<
  MigrationsProviderInputs,
  MigrationsProviderOutputs
>;

function queryPath(projectRef: string): string {
  return `/v1/projects/${encodeURIComponent(projectRef)}/database/query`;
}

/** Runs SQL; resolves with the rows the endpoint answered (those of the last statement). */
async function runQuery(target: ManagementTarget, query: string): Promise<unknown[]> {
  const response = await managementRequest({
    ...target,
    method: "POST",
    path: queryPath(target.projectRef),
    json: { query },
  });
  return Array.isArray(response.body) ? response.body : [];
}

/** The recorded migrations, and whether the digests table exists; none on a fresh database. */
async function readHistory(
  target: ManagementTarget,
): Promise<{ applied: AppliedMigration[]; withDigests: boolean }> {
  const [presence] = (await runQuery(target, migrationHistoryPresenceQuery)) as Array<{
    history?: unknown;
    digests?: unknown;
  }>;
  if (presence?.history !== true) return { applied: [], withDigests: false };
  const withDigests = presence.digests === true;
  const rows = (await runQuery(target, appliedMigrationsQuery(withDigests))) as Array<{
    version?: unknown;
    name?: unknown;
    sha256?: unknown;
  }>;
  const applied = rows
    .filter((row) => typeof row.version === "string")
    .map((row) => ({
      version: String(row.version),
      name: typeof row.name === "string" ? row.name : null,
      sha256: typeof row.sha256 === "string" ? row.sha256 : null,
    }));
  return { applied, withDigests };
}

/** The recorded migrations among `files`, in their order. */
function recordedAmong(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): AppliedMigration[] {
  const wanted = new Set(files.map((file) => file.version));
  return applied.filter((migration) => wanted.has(migration.version));
}

/** Reads the files and checks they are the ones the program saw. */
function verifiedSources(inputs: MigrationsProviderInputs): MigrationSource[] {
  const directory = resolveFromProject(inputs.migrationsDirectory);
  const onDisk = new Map(readMigrations(directory).map((source) => [source.version, source]));
  return inputs.migrations.map((file) => {
    const source = onDisk.get(file.version);
    const fileName = `${inputs.migrationsDirectory}/${file.version}_${file.name}.sql`;
    if (!source || source.name !== file.name) {
      throw new Error(`migration ${fileName} is no longer in ${directory}`);
    }
    if (source.sha256 !== file.sha256) {
      throw new Error(
        `migration ${fileName} changed between the program run and the update (sha256 ${source.sha256}, expected ${file.sha256})`,
      );
    }
    return source;
  });
}

/** Applies what is pending and resolves with the outputs. */
async function migrate(
  target: ManagementTarget,
  inputs: MigrationsProviderInputs,
): Promise<MigrationsProviderOutputs> {
  const sources = verifiedSources(inputs);
  await runQuery(target, migrationHistorySetupSql);
  const before = await readHistory(target);
  const plan = planMigrations(inputs.migrations, before.applied);
  if (plan.changed.length > 0) {
    throw new Error(changedMigrationsMessage(inputs.migrationsDirectory, plan.changed));
  }
  // Applied by `supabase db push`: this file's digest becomes the one later runs check against.
  if (plan.unverified.length > 0) await runQuery(target, recordDigestSql(plan.unverified));
  const pending = new Set(plan.pending.map((file) => file.version));
  for (const source of sources.filter((each) => pending.has(each.version))) {
    try {
      await runQuery(target, applyMigrationSql(source));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `migration ${inputs.migrationsDirectory}/${source.fileName} failed and was rolled back; later migrations were not applied: ${reason}`,
      );
    }
  }
  const after = await readHistory(target);
  return {
    apiUrl: inputs.apiUrl,
    projectRef: inputs.projectRef,
    migrationsDirectory: inputs.migrationsDirectory,
    migrations: inputs.migrations,
    applied: recordedAmong(inputs.migrations, after.applied),
  };
}

function sameMigrations(left: readonly MigrationFile[], right: readonly MigrationFile[]): boolean {
  if (left.length !== right.length) return false;
  return left.every(
    (file, index) =>
      file.version === right[index].version &&
      file.name === right[index].name &&
      file.sha256 === right[index].sha256,
  );
}

/**
 * Creates the CRUD of one project's applied migrations. Each provider has its own session, filled
 * by `configure` with the stack's access token.
 */
export function createMigrationsProvider(): MigrationsProvider {
  const session = newProviderSession();
  return {
    async configure(request) {
      configureSession(session, request.config);
    },

    async check(_olds, news) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (typeof news.projectRef !== "string" || news.projectRef.length === 0) {
        failures.push({ property: "projectRef", reason: "projectRef must be a non-empty string" });
      }
      const migrations: unknown = news.migrations;
      if (!Array.isArray(migrations)) {
        failures.push({ property: "migrations", reason: "migrations must be a list" });
      } else {
        migrations.forEach((file: Partial<MigrationFile>, index) => {
          if (
            !/^[0-9]+$/.test(String(file?.version)) ||
            typeof file?.name !== "string" ||
            !/^[0-9a-f]{64}$/.test(String(file?.sha256))
          ) {
            failures.push({
              property: `migrations[${index}]`,
              reason: "each migration needs a numeric version, a name and a hex sha256",
            });
          }
        });
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      // Another project is another database: migrate it, and forget the old one's records.
      if (olds.projectRef !== news.projectRef) return { changes: true, replaces: ["projectRef"] };
      if (news.projectRef === unknownInputValue || olds.apiUrl !== news.apiUrl) {
        return { changes: true };
      }
      // Compare with the database, not the stored outputs, so a history changed out of band shows.
      const live = await readHistory(managementTarget(session, "diff", news, news.accessToken));
      const plan = planMigrations(news.migrations ?? [], live.applied);
      // An edited applied migration stops the preview already, naming the file.
      if (plan.changed.length > 0) {
        throw new Error(changedMigrationsMessage(news.migrationsDirectory, plan.changed));
      }
      return {
        changes:
          !sameMigrations(olds.migrations ?? [], news.migrations ?? []) ||
          plan.pending.length > 0 ||
          plan.unverified.length > 0,
      };
    },

    async create(inputs) {
      const outs = await migrate(
        managementTarget(session, "create", inputs, inputs.accessToken),
        inputs,
      );
      return { id: `${inputs.projectRef}/migrations`, outs };
    },

    async read(id, props) {
      if (!props) return { id, props };
      let applied: AppliedMigration[];
      try {
        applied = (await readHistory(managementTarget(session, "read", props))).applied;
      } catch (error) {
        // An empty result tells the engine the object is gone: here the whole project.
        if (isNotFound(error)) return {};
        throw error;
      }
      const recorded = recordedAmong(props.migrations ?? [], applied);
      // No migration of this stack recorded (a reset database): nothing is left to manage.
      if (recorded.length === 0) return {};
      return {
        id,
        props: {
          apiUrl: props.apiUrl,
          projectRef: props.projectRef,
          migrationsDirectory: props.migrationsDirectory,
          migrations: props.migrations,
          applied: recorded,
        },
      };
    },

    async update(_id, _olds, news) {
      return {
        outs: await migrate(managementTarget(session, "update", news, news.accessToken), news),
      };
    },

    async delete(_id, props) {
      const versions = (props.migrations ?? []).map((file) => file.version);
      if (versions.length === 0) return;
      const databaseTarget = managementTarget(session, "delete", props);
      try {
        const history = await readHistory(databaseTarget);
        if (recordedAmong(props.migrations, history.applied).length === 0) return;
        // Only the records go: tables and their data stay (see docs/database.md).
        await runQuery(databaseTarget, forgetMigrationsSql(versions, history.withDigests));
      } catch (error) {
        // A project that no longer exists has no history left to forget.
        if (isNotFound(error)) return;
        throw error;
      }
    },
  };
}

/** The provider the {@link SupabaseMigrations} resources use. */
export const migrationsProvider: MigrationsProvider = createMigrationsProvider();
