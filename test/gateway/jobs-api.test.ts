// `POST /v1/jobs` and `GET /v1/jobs/{id}` through the real gateway under Deno: on PGlite with the
// job migrations, and without a database. Nothing here reads the tables directly: what a caller
// sees through the API is what is under test. Quick jobs: functions/llm-gateway/pipeline/
// handle-job-quick-run.test.ts.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postJson, type OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway, type GatewayProcess } from "../support/gateway-process";
import { timeouts } from "../support/timeouts";

/** Two callers: each key is its own job scope. */
const aliceKey = "gw-test-jobs-alice-0123456789";
const bobKey = "gw-test-jobs-bob-0123456789";

/** The 202/200 body of `POST /v1/jobs`. */
interface AcceptedBody {
  id: string;
  status: string;
  status_url: string;
}

const chatJob = (content: string) => ({
  model: "tier:default",
  messages: [{ role: "user", content }],
});

function submit(
  gateway: GatewayProcess,
  body: unknown,
  key = aliceKey,
  headers: Record<string, string> = {},
): Promise<Response> {
  return postJson(gateway.url, "/v1/jobs", body, {
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
}

function getJob(gateway: GatewayProcess, statusUrl: string, key = aliceKey): Promise<Response> {
  return fetch(`${gateway.url}${statusUrl}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(20_000),
  });
}

describe("the jobs API with a database", () => {
  let simulator: ProviderSimulator;
  let local: LocalDatabase;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    simulator = await startProviderSimulator({ recordRequests: false });
    local = await startLocalDatabase();
    gateway = await startGateway({
      env: gatewayEnv(simulator, {
        DATABASE_URL: local.url,
        GATEWAY_API_KEYS: `${aliceKey},${bobKey}`,
        JOB_WEBHOOK_SECRETS: JSON.stringify({ default: "whsec_jobs_api_0123456789" }),
      }),
    });
  }, timeouts.hook);

  afterAll(async () => {
    await gateway?.stop();
    await local?.stop();
    await simulator?.close();
  }, timeouts.hook);

  it("accepts a job with 202 and its status URL", async () => {
    const response = await submit(gateway, chatJob("Summarise the week."));
    const body = (await response.json()) as AcceptedBody;

    expect({ status: response.status, body }).toEqual({
      status: 202,
      body: { id: expect.any(String), status: "queued", status_url: `/v1/jobs/${body.id}` },
    });
  });

  it("returns the caller's job at its status URL", async () => {
    const accepted = (await (
      await submit(gateway, chatJob("List the risks."))
    ).json()) as AcceptedBody;
    const response = await getJob(gateway, accepted.status_url);
    const job = (await response.json()) as { id: string; stepCount: number; status: string };

    expect({ status: response.status, id: job.id, stepCount: job.stepCount }).toEqual({
      status: 200,
      id: accepted.id,
      stepCount: 1,
    });
  });

  it("answers 404 for another caller's job", async () => {
    const accepted = (await (
      await submit(gateway, chatJob("Private question."))
    ).json()) as AcceptedBody;
    const response = await getJob(gateway, accepted.status_url, bobKey);
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, code: body.error.code }).toEqual({
      status: 404,
      code: "job_not_found",
    });
  });

  it("returns the same job with 200 for a repeated Idempotency-Key", async () => {
    const headers = { "idempotency-key": `weekly-${crypto.randomUUID()}` };
    const first = (await (
      await submit(gateway, chatJob("Weekly report."), aliceKey, headers)
    ).json()) as AcceptedBody;
    const again = await submit(gateway, chatJob("Weekly report."), aliceKey, headers);
    const body = (await again.json()) as AcceptedBody;

    expect({ status: again.status, id: body.id }).toEqual({ status: 200, id: first.id });
  });

  it("answers 409 when an Idempotency-Key is reused for another job", async () => {
    const headers = { "idempotency-key": `weekly-${crypto.randomUUID()}` };
    await (await submit(gateway, chatJob("One job."), aliceKey, headers)).arrayBuffer();
    const response = await submit(gateway, chatJob("Another job."), aliceKey, headers);
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, param: body.error.param }).toEqual({
      status: 409,
      param: "idempotency_key",
    });
  });

  it("refuses a bad body with 400 naming the field", async () => {
    const response = await submit(gateway, {
      steps: [chatJob("First."), { model: "tier:default", messages: [] }],
    });
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, param: body.error.param }).toEqual({
      status: 400,
      param: "steps[1].messages",
    });
  });

  it("refuses a webhook naming a signing secret the gateway does not hold, at submission", async () => {
    const response = await submit(gateway, {
      ...chatJob("Tell me when done."),
      webhook: { url: "https://app.example.com/hooks/jobs", secret: "missing" },
    });
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, type: body.error.type, param: body.error.param }).toEqual({
      status: 400,
      type: "invalid_request_error",
      param: "webhook.secret",
    });
  });

  it("accepts a webhook naming a configured signing secret", async () => {
    const response = await submit(gateway, {
      ...chatJob("Tell me when done."),
      webhook: { url: "https://app.example.com/hooks/jobs", secret: "default" },
    });
    await response.arrayBuffer();

    expect(response.status).toBe(202);
  });

  it("exposes the queue depth where Prometheus scrapes", async () => {
    await (await submit(gateway, chatJob("Waiting in the queue."))).arrayBuffer();

    const text = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(Number(/^llm_gateway_jobs_queue_depth (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
  });

  it("counts submitted jobs on /metrics", async () => {
    await (await submit(gateway, chatJob("Counted."))).arrayBuffer();

    const text = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(
      Number(/^llm_gateway_jobs_total\{status="queued"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThan(0);
  });

  it("is reached with the openai SDK's post and get, as docs/gateway.md shows", async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: aliceKey, maxRetries: 0 });

    const accepted = await client.post<AcceptedBody>("/jobs", {
      body: { model: "tier:default", messages: [{ role: "user", content: "Summarise the week." }] },
    });
    const job = await client.get<{ id: string }>(`/jobs/${accepted.id}`);

    expect(job.id).toBe(accepted.id);
  });

  it("refuses a job request without the caller's key", async () => {
    const response = await postJson(gateway.url, "/v1/jobs", chatJob("No key."));
    await response.arrayBuffer();

    expect(response.status).toBe(401);
  });
});

describe("the jobs API without a database", () => {
  let simulator: ProviderSimulator;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    simulator = await startProviderSimulator({ recordRequests: false });
    gateway = await startGateway({
      env: gatewayEnv(simulator, { GATEWAY_API_KEYS: aliceKey }),
    });
  }, timeouts.hook);

  afterAll(async () => {
    await gateway?.stop();
    await simulator?.close();
  }, timeouts.hook);

  it("answers 503 to a submission", async () => {
    const response = await submit(gateway, chatJob("Summarise the week."));
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, code: body.error.code }).toEqual({
      status: 503,
      code: "job_store_unavailable",
    });
  });

  it("answers 503 to a status request", async () => {
    const response = await getJob(gateway, `/v1/jobs/${crypto.randomUUID()}`);
    const body = (await response.json()) as OpenAiErrorBody;

    expect({ status: response.status, code: body.error.code }).toEqual({
      status: 503,
      code: "job_store_unavailable",
    });
  });
});
