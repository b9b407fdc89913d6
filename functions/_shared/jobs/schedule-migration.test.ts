// The schedule migration (supabase/migrations/*_jobs_schedule.sql) on PGlite, which has neither
// pg_cron nor pg_net: it must apply there, and its wake-up function must do the right thing with
// and without Supabase's Vault and pg_net (stood in for by test/supabase-stand-ins.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobStore } from "./job-store.ts";
import { createTestClock, startJobDatabase, type JobDatabase } from "./test/job-database.ts";
import { pgNetStandInSql, vaultStandInSql } from "./test/supabase-stand-ins.ts";

const clock = createTestClock();
let database: JobDatabase;
let store: JobStore;

beforeAll(async () => {
  database = await startJobDatabase(clock);
  store = database.store();
});

afterAll(async () => {
  await database?.stop();
});

beforeEach(async () => {
  await database.clear();
});

async function wake(): Promise<string> {
  const result = await database.local.database.query<{ outcome: string }>(
    "select public.llm_jobs_wake_worker($1::timestamptz) as outcome",
    [new Date(clock.now()).toISOString()],
  );
  return result.rows[0]?.outcome ?? "";
}

async function queueJob(): Promise<void> {
  await store.submit("job:schedule", {
    steps: [{ model: "tier:default", messages: [{ role: "user", content: "hi" }] }],
  });
}

describe("the schedule migration on a database without pg_cron", () => {
  it("applies, and creates no schedule", async () => {
    const available = await database.local.database.query<{ name: string }>(
      "select name from pg_available_extensions where name in ('pg_cron', 'pg_net')",
    );
    const cron = await database.local.database.query(
      "select 1 from pg_namespace where nspname = 'cron'",
    );

    expect(database.local.appliedVersions).toContain("20250715000100");
    expect(available.rows).toEqual([]);
    expect(cron.rows).toEqual([]);
  });

  it("wakes nobody when no work is due", async () => {
    expect(await wake()).toBe("idle");
  });

  it("reports that it cannot wake the worker without Vault and pg_net", async () => {
    await queueJob();

    expect(await wake()).toBe("unconfigured");
  });
});

describe("the wake-up with Vault and pg_net", () => {
  beforeAll(async () => {
    await database.local.database.exec(`
      ${vaultStandInSql}
      ${pgNetStandInSql}
      select vault.create_secret('https://abc.supabase.co/functions/v1/job-worker', 'job_worker_url');
      select vault.create_secret('wake_token_0123', 'job_worker_token');
    `);
  });

  beforeEach(async () => {
    await database.local.database.exec("delete from net.requests");
  });

  it("POSTs to the worker with its bearer token when a step is due", async () => {
    await queueJob();

    expect(await wake()).toBe("woken");
    const requests = await database.local.database.query<{ url: string; headers: unknown }>(
      "select url, headers from net.requests",
    );
    expect(requests.rows).toEqual([
      {
        url: "https://abc.supabase.co/functions/v1/job-worker",
        headers: { "Content-Type": "application/json", Authorization: "Bearer wake_token_0123" },
      },
    ]);
  });

  it("does not POST when the queue is idle", async () => {
    expect(await wake()).toBe("idle");
    const requests = await database.local.database.query("select 1 from net.requests");
    expect(requests.rows).toEqual([]);
  });
});
