// One Postgres connection pool (postgres.js, which runs in Deno and Node) with the gateway's rule
// for optional back ends: every call settles within a bound, and a database that fails or is slow
// makes the feature that needs it step aside ("unavailable"), never the answer. An outage is logged
// once when it starts and once when it ends, not once per request.
import postgres from "postgres";

/** The postgres.js query function the callers build their statements with. */
export type DatabaseSql = postgres.Sql;

/** The outcome of {@link DatabaseClient.run}: a value, or the database being unavailable. */
export type DatabaseOutcome<T> =
  { ok: true; value: T } | { ok: false; reason: "unavailable"; detail: string };

/** Receives the outage log lines; `createLogger` from ../logger.ts fits. */
export interface DatabaseLog {
  /** An outage began: `database_unavailable` with the operation and the reason. */
  warn(event: string, fields?: Record<string, unknown>): void;
  /** The outage ended: `database_recovered`. */
  info(event: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createDatabaseClient}. */
export interface DatabaseClientOptions {
  /**
   * Connection URL. On Supabase use the pooler (Supavisor) URL in transaction mode; prepared
   * statements are off, as the transaction pooler requires.
   * @example "postgres://postgres.abcdefghijklmnopqrst:password@aws-0-us-east-1.pooler.supabase.com:6543/postgres"
   */
  url: string;
  /**
   * Bound on every call in milliseconds, connecting included.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * After a timed-out call, further calls are unavailable at once for this long, so a hanging
   * database costs one timeout per period rather than one per request.
   * @default 1000
   */
  cooldownMs?: number;
  /**
   * Connections in the pool (an edge isolate serves few requests at once).
   * @default 2
   */
  maxConnections?: number;
  /** Where the outage lines go. @default nowhere */
  log?: DatabaseLog;
  /** Called for every unavailable call, e.g. to count an error metric. */
  onUnavailable?: (operation: string, detail: string) => void;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** A guarded database; see the file comment. */
export interface DatabaseClient {
  /**
   * Runs statements; never rejects.
   * @param operation - what the call does, for logs, e.g. `semantic_cache.lookup`.
   * @param statements - the work, given the postgres.js query function.
   */
  run<T>(
    operation: string,
    statements: (sql: DatabaseSql) => Promise<T>,
  ): Promise<DatabaseOutcome<T>>;
  /** Whether the last call succeeded (true before the first). */
  readonly available: boolean;
  /** Closes the pool; later calls are unavailable. */
  close(): Promise<void>;
}

/**
 * Creates a guarded pool. Connecting is lazy: nothing is sent before the first {@link DatabaseClient.run}.
 * @param options - see {@link DatabaseClientOptions}.
 */
export function createDatabaseClient(options: DatabaseClientOptions): DatabaseClient {
  const timeoutMs = options.timeoutMs ?? 1000;
  const cooldownMs = options.cooldownMs ?? 1000;
  const now = options.now ?? Date.now;
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 2,
    connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    idle_timeout: 30,
    // Supabase's transaction pooler cannot keep prepared statements across transactions.
    prepare: false,
    // No type lookup round trip on connect: the statements use built-in types only.
    fetch_types: false,
    // `if not exists` and similar notices are not worth a console line each.
    onnotice: () => undefined,
    connection: { application_name: "llm-gateway" },
  });
  let available = true;
  let closed = false;
  let coolingDownUntil = 0;

  const unavailable = <T>(operation: string, detail: string): DatabaseOutcome<T> => {
    options.onUnavailable?.(operation, detail);
    if (available) {
      available = false;
      options.log?.warn("database_unavailable", { operation, reason: detail });
    }
    return { ok: false, reason: "unavailable", detail };
  };

  return {
    get available() {
      return available;
    },
    async run(operation, statements) {
      if (closed) return unavailable(operation, "the database client is closed");
      if (now() < coolingDownUntil) {
        return unavailable(operation, "skipped: the database timed out recently");
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const work = Promise.resolve()
        .then(() => statements(sql))
        .then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      try {
        const settled = await Promise.race([work, timeout]);
        if (settled === "timeout") {
          coolingDownUntil = now() + cooldownMs;
          return unavailable(operation, `timeout after ${timeoutMs}ms`);
        }
        if (!settled.ok) return unavailable(operation, describe(settled.error));
        if (!available) {
          available = true;
          options.log?.info("database_recovered", { operation });
        }
        return { ok: true, value: settled.value };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      await sql.end({ timeout: 1 });
    },
  };
}

/** A short reason without the connection URL (which may hold the password). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
