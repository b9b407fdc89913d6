// The worker function under real Deno (the `gateway` script's permissions), against PGlite and a
// loopback server standing in for the gateway's chat endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type GatewayProcess } from "../../test/support/gateway-process";
import { timeouts } from "../../test/support/timeouts";
import type { JobStore } from "../_shared/jobs/job-store.ts";
import {
  createTestClock,
  startJobDatabase,
  type JobDatabase,
} from "../_shared/jobs/test/job-database.ts";
import {
  chatCompletion,
  startLoopbackHttp,
  type LoopbackHttp,
} from "../_shared/jobs/test/loopback-http.ts";

const serviceKey = "gw_worker_service_key_0001";
let database: JobDatabase;
let store: JobStore;
let gateway: LoopbackHttp;
let worker: GatewayProcess;

beforeAll(async () => {
  database = await startJobDatabase(createTestClock());
  // Real time here: the worker process claims with its own clock.
  store = database.store({ now: Date.now });
  gateway = await startLoopbackHttp();
  gateway.answer((request) => {
    const body = JSON.parse(request.body) as { messages: Array<{ content: string }> };
    return { status: 200, body: chatCompletion(`echo: ${body.messages[0]?.content}`) };
  });
  worker = await startGateway({
    entry: "functions/job-worker/index.ts",
    env: {
      DATABASE_URL: database.local.url,
      JOB_WORKER_GATEWAY_URL: gateway.url,
      GATEWAY_API_KEYS: serviceKey,
      JOB_DATABASE_TIMEOUT_MS: String(timeouts.storeCall),
    },
    readyTimeoutMs: timeouts.hook,
  });
}, timeouts.hook);

afterAll(async () => {
  await worker?.stop();
  await gateway?.close();
  await database?.stop();
});

function wake(token: string): Promise<Response> {
  return fetch(`${worker.url}/job-worker`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
}

describe("the job worker under Deno", () => {
  it("refuses a wake-up without a gateway key", async () => {
    const response = await wake("not-a-key");
    await response.body?.cancel();

    expect(response.status).toBe(401);
  });

  it("runs a two-step job through the gateway and records the result", async () => {
    const submitted = await store.submit("job:deno-caller", {
      steps: [
        { model: "tier:default", messages: [{ role: "user", content: "first" }] },
        { model: "tier:default", messages: [{ role: "user", content: "then {{steps.0.output}}" }] },
      ],
    });
    if (submitted.status !== "created") throw new Error(`submit gave ${submitted.status}`);

    const response = await wake(serviceKey);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ claimed: 2, completed: 2 });
    const read = await store.get("job:deno-caller", submitted.job.id);
    expect(read.status === "found" && read.job).toMatchObject({
      status: "succeeded",
      result: chatCompletion("echo: then echo: first"),
    });
  });
});
