// The schedule migration (supabase/migrations/*_jobs_schedule.sql) on PGlite, which has neither
// pg_cron nor pg_net: it must apply there, and its wake-up function must do the right thing with
// and without Supabase's Vault and pg_net (stood in for by a table and a recording function).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobStore } from "./job-store.ts";
import { createTestClock, startJobDatabase, type JobDatabase } from "./test/job-database.ts";

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
      create schema if not exists vault;
      create table vault.decrypted_secrets (name text primary key, decrypted_secret text);
      insert into vault.decrypted_secrets values
        ('job_worker_url', 'https://abc.supabase.co/functions/v1/job-worker'),
        ('job_worker_token', 'gw_cron_key');
      create schema if not exists net;
      create table net.requests (url text, body jsonb, headers jsonb, timeout_milliseconds integer);
      create function net.http_post(url text, body jsonb, headers jsonb, timeout_milliseconds integer)
      returns bigint language sql as $$
        insert into net.requests values (url, body, headers, timeout_milliseconds) returning 1::bigint
      $$;
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
        headers: { "Content-Type": "application/json", Authorization: "Bearer gw_cron_key" },
      },
    ]);
  });

  it("does not POST when the queue is idle", async () => {
    expect(await wake()).toBe("idle");
    const requests = await database.local.database.query("select 1 from net.requests");
    expect(requests.rows).toEqual([]);
  });
});
