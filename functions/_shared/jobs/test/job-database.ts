// A PGlite database with the repository's migrations for the job tests (one per test file), a job
// store over it with an injected clock, and a way to empty the job tables between tests.
import {
  startLocalDatabase,
  type LocalDatabase,
} from "../../../../scripts/local-platform/database";
import { timeouts } from "../../../../test/support/timeouts";
import { createDatabaseClient, type DatabaseClient } from "../../database/database-client.ts";
import { createJobStore, type JobStore, type JobStoreOptions } from "../job-store.ts";

/** A controllable clock, in milliseconds since the epoch. */
export interface TestClock {
  now: () => number;
  /** Moves the clock forward. */
  advance(milliseconds: number): void;
}

/** A clock starting at 2025-07-15T10:00:00Z. */
export function createTestClock(): TestClock {
  let current = Date.parse("2025-07-15T10:00:00Z");
  return {
    now: () => current,
    advance(milliseconds) {
      current += milliseconds;
    },
  };
}

/** The database of one test file. */
export interface JobDatabase {
  local: LocalDatabase;
  client: DatabaseClient;
  /** A store over the database with these options (clock and database filled in). */
  store(options?: Partial<JobStoreOptions>): JobStore;
  /** Deletes every job. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts PGlite and a guarded client bounded generously (the guard's timing is not under test). */
export async function startJobDatabase(clock: TestClock): Promise<JobDatabase> {
  const local = await startLocalDatabase();
  const client = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });
  return {
    local,
    client,
    store: (options = {}) =>
      createJobStore({ database: client, now: clock.now, random: () => 1, ...options }),
    async clear() {
      await local.database.exec("delete from public.llm_jobs");
    },
    async stop() {
      await client.close();
      await local.stop();
    },
  };
}
