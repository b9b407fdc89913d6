// The wake-up's Vault entries through the real dynamic provider host: the shared lifecycle checks,
// then the whole chain the first `pulumi up` of a fork runs: the repository's migrations (the
// schedule among them), then the Vault entries, after which the schedule's wake-up is configured.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  pgNetStandInSql,
  vaultStandInSql,
} from "../../functions/_shared/jobs/test/supabase-stand-ins";
import { migrationFiles, readMigrations } from "../supabase/migrations-source";
import { EngineSteps } from "./engine-steps";
import { migrationsKind, workerWakeUpKind } from "./resource-kinds";
import { describeProviderHostScenarios } from "./scenario-suite";

const fixture = describeProviderHostScenarios({ kinds: [workerWakeUpKind], rotation: false });

// PGlite takes seconds to start on a busy machine: start the project's database before the checks.
beforeAll(async () => {
  const current = fixture();
  await current.server.database(current.projectRefs.current);
});

const repositoryMigrations = "supabase/migrations";

describe("WorkerWakeUp after the repository's migrations", () => {
  it("configures the schedule's wake-up: llm_jobs_wake_worker() posts to the worker", async () => {
    const current = fixture();
    await current.resetServer();
    const migrations = new EngineSteps(migrationsKind.address(current));
    await migrations.create(current.host.client, {
      ...migrationsKind.inputs(current),
      migrationsDirectory: repositoryMigrations,
      migrations: migrationFiles(
        readMigrations(path.resolve(__dirname, "..", "..", repositoryMigrations)),
      ).map((file) => ({ ...file })),
    });
    const database = await current.server.database(current.projectRefs.current);
    await database.exec(pgNetStandInSql);
    await database.exec(`
      insert into public.llm_jobs (caller_scope, request_sha256, step_count, webhook_url,
        webhook_secret_name, webhook_status, webhook_next_attempt_at)
      values ('job:wake-up', 'digest', 1, 'https://hook.test', 'default', 'pending',
        now() - interval '1 minute');
    `);

    await new EngineSteps(workerWakeUpKind.address(current)).create(
      current.host.client,
      workerWakeUpKind.inputs(current),
    );

    const outcome = await database.query<{ outcome: string }>(
      "select public.llm_jobs_wake_worker() as outcome",
    );
    const requests = await database.query<{ url: string; headers: Record<string, string> }>(
      "select url, headers from net.requests",
    );
    expect(outcome.rows[0]?.outcome).toBe("woken");
    expect(requests.rows).toEqual([
      {
        url: `https://${current.projectRefs.current}.supabase.co/functions/v1/job-worker`,
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${current.workerTokens.current}`,
        },
      },
    ]);
  });

  it("keeps the wake-up token out of the stored outputs", async () => {
    const current = fixture();
    await current.resetServer();
    const steps = new EngineSteps(workerWakeUpKind.address(current));

    await steps.create(current.host.client, workerWakeUpKind.inputs(current));

    expect(JSON.stringify(steps.stored?.outputs)).not.toContain(current.workerTokens.current);
  });

  it("keeps the wake-up token out of a failing query's error", async () => {
    const current = fixture();
    await current.resetServer();
    const database = await current.server.database(current.projectRefs.current);
    // A Vault whose create_secret fails with a message quoting its argument, as Postgres may.
    await database.exec(`
      create or replace function vault.create_secret(
        new_secret text, new_name text default null, new_description text default '',
        new_key_id uuid default null
      ) returns uuid language plpgsql as $$
      begin
        raise exception 'cannot store %', new_secret;
      end
      $$;
    `);
    let details = "";
    try {
      await new EngineSteps(workerWakeUpKind.address(current)).create(
        current.host.client,
        workerWakeUpKind.inputs(current),
      );
    } catch (error) {
      details = String((error as { details?: unknown }).details ?? error);
    } finally {
      await database.exec("drop function vault.create_secret(text, text, text, uuid)");
      await database.exec(vaultStandInSql);
    }

    expect(details).toContain("cannot store");
    expect(details).not.toContain(current.workerTokens.current);
  });
});
