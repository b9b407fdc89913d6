import { describe, expect, it } from "vitest";
import { JobMetrics } from "../_shared/jobs/job-metrics.ts";
import type { JobStore } from "../_shared/jobs/job-store.ts";
import { createWorkerHandler, type WorkerHandlerOptions } from "./handler.ts";

/** A store with an empty queue: the handler's own behaviour is under test here. */
const emptyStore = {
  claimStep: () => Promise.resolve({ status: "none", expiredJobs: [] }),
  claimWebhook: () => Promise.resolve({ status: "none" }),
} as unknown as JobStore;

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function handler(overrides: Partial<WorkerHandlerOptions> = {}) {
  return createWorkerHandler({
    store: emptyStore,
    execute: () => Promise.resolve({ ok: true, output: {} }),
    sendWebhook: () => Promise.resolve({ delivered: true }),
    acceptedKeys: ["gw_key_one", "gw_key_two"],
    timeBudgetMs: 1_000,
    maxSteps: 5,
    log: silentLog,
    ...overrides,
  });
}

const wake = (token?: string) =>
  new Request("http://worker.test/job-worker", {
    method: "POST",
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe("the worker's handler", () => {
  it("answers its health check", async () => {
    const response = await handler()(new Request("http://worker.test/job-worker/health"));

    expect(response.status).toBe(200);
  });

  it("refuses a wake-up without a bearer token", async () => {
    expect((await handler()(wake())).status).toBe(401);
  });

  it("accepts any of the gateway's keys", async () => {
    const response = await handler()(wake("gw_key_two"));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ claimed: 0, stoppedBecause: "idle" });
  });

  it("accepts the wake-up's own JOB_WORKER_TOKEN", async () => {
    const response = await handler({ wakeUpToken: "wake_token_0123" })(wake("wake_token_0123"));

    expect(response.status).toBe(200);
  });

  it("accepts the wake-up token when no gateway key is configured", async () => {
    const response = await handler({ acceptedKeys: [], wakeUpToken: "wake_token_0123" })(
      wake("wake_token_0123"),
    );

    expect(response.status).toBe(200);
  });

  it("refuses a token that only shares a prefix with the wake-up token", async () => {
    const response = await handler({ wakeUpToken: "wake_token_0123" })(wake("wake_token_012"));

    expect(response.status).toBe(401);
  });

  it("refuses an empty bearer token when the wake-up token is unset", async () => {
    expect((await handler({ wakeUpToken: undefined })(wake(""))).status).toBe(401);
  });

  it("refuses every wake-up when no key is configured", async () => {
    expect((await handler({ acceptedKeys: [] })(wake(""))).status).toBe(401);
  });

  it("answers 202 at once and hands the batch to waitUntil on Supabase", async () => {
    const background: Array<Promise<unknown>> = [];

    const response = await handler({ waitUntil: (work) => background.push(work) })(
      wake("gw_key_one"),
    );

    expect(response.status).toBe(202);
    expect(background).toHaveLength(1);
    await Promise.all(background);
  });

  it("flushes the job metrics after a batch", async () => {
    let flushes = 0;
    const metrics = {
      jobs: new JobMetrics(),
      render: () => Promise.resolve(""),
      flush: () => Promise.resolve(void flushes++),
    };

    await handler({ metrics })(wake("gw_key_one"));

    expect(flushes).toBe(1);
  });
});

describe("the worker's GET /metrics", () => {
  const metrics = (token?: string) => ({
    jobs: new JobMetrics(),
    render: () => Promise.resolve("llm_gateway_jobs_queue_depth 4\n"),
    flush: () => Promise.resolve(),
    token,
  });
  const scrape = (token?: string) =>
    new Request("http://worker.test/job-worker/metrics", {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it("answers the job metrics in Prometheus text", async () => {
    const response = await handler({ metrics: metrics() })(scrape());

    expect({
      status: response.status,
      type: response.headers.get("content-type"),
      body: await response.text(),
    }).toEqual({
      status: 200,
      type: "text/plain; version=0.0.4; charset=utf-8",
      body: "llm_gateway_jobs_queue_depth 4\n",
    });
  });

  it("refuses a scrape without the metrics token when one is set", async () => {
    const response = await handler({ metrics: metrics("metrics-token-0123") })(scrape("wrong"));

    expect(response.status).toBe(401);
  });

  it("accepts a scrape with the metrics token", async () => {
    const response = await handler({ metrics: metrics("metrics-token-0123") })(
      scrape("metrics-token-0123"),
    );

    expect(response.status).toBe(200);
  });
});
