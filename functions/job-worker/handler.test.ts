import { describe, expect, it } from "vitest";
import type { JobStore } from "../_shared/jobs/job-store.ts";
import { createWorkerHandler, type WorkerHandlerOptions } from "./handler.ts";

/** A store with an empty queue: the handler's own behaviour is under test here. */
const emptyStore = {
  claimStep: () => Promise.resolve({ status: "none" }),
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
});
