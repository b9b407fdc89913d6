// Quick jobs (`"mode": "quick"`) through the real gateway under Deno, on PGlite: the gateway runs
// the job itself after the 202, through its own pipeline, and what it cannot finish within
// JOB_QUICK_TIME_BUDGET_MS is left for the job worker (here, the worker's batch run by the test
// against the same database and gateway).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabaseClient,
  type DatabaseClient,
} from "../../_shared/database/database-client.ts";
import { createGatewayStepExecutor } from "../../_shared/jobs/gateway-step-executor.ts";
import { runWorkerBatch } from "../../_shared/jobs/job-runner.ts";
import { createJobStore } from "../../_shared/jobs/job-store.ts";
import type { JobView } from "../../_shared/jobs/job-types.ts";
import { startLocalDatabase, type LocalDatabase } from "../../../scripts/local-platform/database";
import { startProviderSimulator } from "../../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../../scripts/provider-simulator/index";
import { postJson } from "../../../test/support/gateway-client";
import { gatewayEnv } from "../../../test/support/gateway-env";
import { startGateway, type GatewayProcess } from "../../../test/support/gateway-process";
import { timeouts } from "../../../test/support/timeouts";
import { waitUntil } from "../../../test/support/wait-until";

const callerKey = "gw-test-quick-jobs-0123456789";

let simulator: ProviderSimulator;
let local: LocalDatabase;
let gateway: GatewayProcess;
let workerDatabase: DatabaseClient;

beforeAll(async () => {
  simulator = await startProviderSimulator({ recordRequests: false });
  local = await startLocalDatabase();
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      DATABASE_URL: local.url,
      GATEWAY_API_KEYS: callerKey,
      JOB_QUICK_TIME_BUDGET_MS: "1000",
      // A hanging provider must outlast the quick bound, not end in a fallback within it.
      LLM_ATTEMPT_TIMEOUT_MS: "5000",
    }),
  });
  workerDatabase = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });
}, timeouts.hook);

afterAll(async () => {
  await workerDatabase?.close();
  await gateway?.stop();
  await local?.stop();
  await simulator?.close();
}, timeouts.hook);

async function submitQuick(content: string): Promise<string> {
  const response = await postJson(
    gateway.url,
    "/v1/jobs",
    { mode: "quick", model: "tier:default", messages: [{ role: "user", content }] },
    { headers: { authorization: `Bearer ${callerKey}` } },
  );
  const body = (await response.json()) as { id: string };
  if (response.status !== 202) throw new Error(`POST /v1/jobs answered ${response.status}`);
  return body.id;
}

async function readJob(id: string): Promise<JobView> {
  const response = await fetch(`${gateway.url}/v1/jobs/${id}`, {
    headers: { authorization: `Bearer ${callerKey}` },
    signal: AbortSignal.timeout(20_000),
  });
  return (await response.json()) as JobView;
}

/** One run of the job worker's batch, as the worker function does it. */
function runWorker() {
  return runWorkerBatch({
    store: createJobStore({ database: workerDatabase }),
    execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: callerKey }),
    owner: "test-worker",
    timeBudgetMs: 20_000,
  });
}

describe("a quick job", () => {
  it("is finished by the gateway after the 202, without any worker run", async () => {
    const id = await submitQuick("Say hello in five words.");

    await waitUntil(async () => (await readJob(id)).status === "succeeded", {
      description: "the quick job to succeed",
      timeoutMs: timeouts.test / 2,
      intervalMs: 100,
    });
    const job = await readJob(id);
    expect({ object: (job.result as { object?: string }).object, steps: job.steps }).toMatchObject({
      object: "chat.completion",
      steps: [{ status: "succeeded", attempts: 1 }],
    });
  });

  it("that outlives its bound is released and finished by the worker exactly once", async () => {
    simulator.faults.enqueue("anthropic", { kind: "hang" });
    const id = await submitQuick("Write a long analysis.");
    // Released: the job was claimed (running) and its step is queued again, no attempt spent.
    await waitUntil(
      async () => {
        const job = await readJob(id);
        return job.status === "running" && job.steps[0]?.status === "queued";
      },
      {
        description: "the quick job to be released",
        timeoutMs: timeouts.test / 2,
        intervalMs: 100,
      },
    );

    const first = await runWorker();
    const second = await runWorker();

    expect({ first, second: second.claimed }).toMatchObject({
      first: { claimed: 1, completed: 1 },
      second: 0,
    });
    expect(await readJob(id)).toMatchObject({
      status: "succeeded",
      steps: [{ status: "succeeded", attempts: 1 }],
    });
  });
});
