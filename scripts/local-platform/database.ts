// The embedded default database for `npm start` and tests: PGlite (Postgres compiled to
// WebAssembly) with its pgvector extension, served over the Postgres wire protocol on a loopback
// port so the gateway and the job worker reach it with the same driver and SQL as Supabase (taking
// turns on PGlite's one session: pglite-session-server.ts), with the repository's migrations
// applied and recorded exactly as `pulumi up` records them.
import * as path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import {
  appliedMigrationsQuery,
  applyMigrationSql,
  changedMigrationsMessage,
  migrationHistorySetupSql,
  planMigrations,
  recordDigestSql,
  type AppliedMigration,
} from "../../infra/supabase/migrations-plan";
import { defaultMigrationsDirectory, readMigrations } from "../../infra/supabase/migrations-source";
import { startPgliteSessionServer, type PgliteSessionServer } from "./pglite-session-server";

/** Options of {@link startLocalDatabase}. */
export interface LocalDatabaseOptions {
  /**
   * Port of the wire-protocol server on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Where PGlite keeps its files; in memory when omitted, so every start is a fresh database.
   * @example ".local/database"
   */
  dataDirectory?: string;
  /**
   * The migrations folder.
   * @default the repository's supabase/migrations
   */
  migrationsDirectory?: string;
  /**
   * Client connections served at once; they take turns on PGlite's single session, a client at a
   * time from its first message to the end of its statement or transaction.
   * @default 8
   */
  maxConnections?: number;
}

/** A running local database. */
export interface LocalDatabase {
  /** Connection URL for postgres.js (or psql). @example "postgres://postgres:postgres@127.0.0.1:54329/postgres" */
  url: string;
  /** The port it listens on. */
  port: number;
  /** The database itself, for direct queries (tests, seeding). */
  database: PGlite;
  /** Versions applied by this start (empty when all were applied before). */
  appliedVersions: string[];
  /** Stops accepting connections and closes the open ones; the data stays (an outage). */
  stopServer(): Promise<void>;
  /** Serves again on the same port after {@link stopServer}. */
  startServer(): Promise<void>;
  /** Stops the server and closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** The repository's migrations folder. */
export const repositoryMigrationsDirectory = path.resolve(
  __dirname,
  "..",
  "..",
  defaultMigrationsDirectory,
);

/**
 * Applies the pending migrations of a folder to a PGlite database, recording them as the migration
 * provider does. Throws, naming the file, when an applied migration changed or one fails.
 * @param database - the database.
 * @param migrationsDirectory - the folder.
 * @returns the versions applied now.
 */
export async function applyLocalMigrations(
  database: PGlite,
  migrationsDirectory: string = repositoryMigrationsDirectory,
): Promise<string[]> {
  const sources = readMigrations(migrationsDirectory);
  await database.exec(migrationHistorySetupSql);
  const recorded = await database.query<AppliedMigration>(appliedMigrationsQuery(true));
  const plan = planMigrations(sources, recorded.rows);
  if (plan.changed.length > 0) {
    throw new Error(changedMigrationsMessage(migrationsDirectory, plan.changed));
  }
  if (plan.unverified.length > 0) await database.exec(recordDigestSql(plan.unverified));
  const pending = new Set(plan.pending.map((file) => file.version));
  const applied: string[] = [];
  for (const source of sources.filter((each) => pending.has(each.version))) {
    try {
      await database.exec(applyMigrationSql(source));
    } catch (error) {
      await database.exec("rollback").catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `migration ${path.join(migrationsDirectory, source.fileName)} failed: ${reason}`,
      );
    }
    applied.push(source.version);
  }
  return applied;
}

/**
 * Starts PGlite with pgvector, applies the migrations and serves it on a loopback port.
 * @param options - see {@link LocalDatabaseOptions}.
 */
export async function startLocalDatabase(
  options: LocalDatabaseOptions = {},
): Promise<LocalDatabase> {
  const database = await PGlite.create({
    ...(options.dataDirectory === undefined ? {} : { dataDir: options.dataDirectory }),
    extensions: { vector },
  });
  let server: PgliteSessionServer | undefined;
  let stopped = false;
  try {
    const appliedVersions = await applyLocalMigrations(
      database,
      options.migrationsDirectory ?? repositoryMigrationsDirectory,
    );
    let port = options.port ?? 0;
    const startServer = async (): Promise<void> => {
      if (server !== undefined) return;
      const started = await startPgliteSessionServer({
        database,
        host: "127.0.0.1",
        port,
        maxConnections: options.maxConnections ?? 8,
      });
      server = started;
      port = started.port;
    };
    const stopServer = async (): Promise<void> => {
      const running = server;
      server = undefined;
      await running?.stop();
    };
    await startServer();
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      port,
      database,
      appliedVersions,
      stopServer,
      startServer,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopServer();
        await database.close();
      },
    };
  } catch (error) {
    await server?.stop();
    await database.close();
    throw error;
  }
}
