import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatedAnswer, startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ChatCompletionBody, OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

const apiKey = "gk-test-bad-input-0123456789";
const maxBodyBytes = 4096;

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      GATEWAY_API_KEYS: apiKey,
      GATEWAY_MAX_BODY_BYTES: String(maxBodyBytes),
    }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

interface BadRequest {
  /** What is wrong. */
  name: string;
  /** Path under the gateway. @default "/v1/chat/completions" */
  path?: string;
  /** @default "POST" */
  method?: string;
  /** Raw body; objects are JSON-encoded. */
  body?: unknown;
  /** Headers replacing the defaults (JSON content type and a valid bearer). */
  headers?: Record<string, string>;
  /** Expected status. */
  status: number;
  /** A word the error message must contain (the field path for validation errors). */
  mentions?: string;
}

const messages = [{ role: "user", content: "hi" }];

const badRequests: BadRequest[] = [
  { name: "malformed JSON", body: '{"model": "tier:default", "messages": [', status: 400 },
  { name: "empty body", body: "", status: 400 },
  { name: "a JSON array instead of an object", body: "[1,2,3]", status: 400 },
  { name: "missing messages", body: { model: "tier:default" }, status: 400, mentions: "messages" },
  {
    name: "messages is a string",
    body: { model: "tier:default", messages: "hi" },
    status: 400,
    mentions: "messages",
  },
  {
    name: "empty messages array",
    body: { model: "tier:default", messages: [] },
    status: 400,
    mentions: "messages",
  },
  {
    name: "message without role",
    body: { model: "tier:default", messages: [{ content: "hi" }] },
    status: 400,
    mentions: "messages",
  },
  {
    name: "unknown role",
    body: { model: "tier:default", messages: [{ role: "wizard", content: "hi" }] },
    status: 400,
    mentions: "messages",
  },
  {
    name: "content of the wrong type",
    body: { model: "tier:default", messages: [{ role: "user", content: 42 }] },
    status: 400,
    mentions: "messages",
  },
  { name: "model of the wrong type", body: { model: 7, messages }, status: 400, mentions: "model" },
  {
    name: "unknown tier",
    body: { model: "tier:no-such-tier", messages },
    status: 400,
    mentions: "no-such-tier",
  },
  {
    name: "unknown concrete model",
    body: { model: "no-such-model-9", messages },
    status: 400,
    mentions: "no-such-model-9",
  },
  {
    name: "temperature of the wrong type",
    body: { model: "tier:default", messages, temperature: "hot" },
    status: 400,
    mentions: "temperature",
  },
  {
    name: "stream of the wrong type",
    body: { model: "tier:default", messages, stream: "yes" },
    status: 400,
    mentions: "stream",
  },
  {
    name: "bad stream_options",
    body: {
      model: "tier:default",
      messages,
      stream: true,
      stream_options: { include_usage: "yes" },
    },
    status: 400,
    mentions: "stream_options",
  },
  {
    name: "negative max_tokens",
    body: { model: "tier:default", messages, max_tokens: -5 },
    status: 400,
    mentions: "max_tokens",
  },
  {
    name: "embeddings without input",
    path: "/v1/embeddings",
    body: { model: "text-embedding-3-small" },
    status: 400,
    mentions: "input",
  },
  {
    name: "body over GATEWAY_MAX_BODY_BYTES",
    body: {
      model: "tier:default",
      messages: [{ role: "user", content: "x".repeat(maxBodyBytes * 2) }],
    },
    status: 413,
  },
  {
    name: "non-JSON content type",
    body: JSON.stringify({ model: "tier:default", messages }),
    headers: { "content-type": "text/plain", authorization: `Bearer ${apiKey}` },
    status: 415,
  },
  {
    name: "missing bearer token",
    body: { model: "tier:default", messages },
    headers: { "content-type": "application/json" },
    status: 401,
  },
  {
    name: "wrong bearer token",
    body: { model: "tier:default", messages },
    headers: { "content-type": "application/json", authorization: "Bearer gk-wrong" },
    status: 401,
  },
  { name: "GET on the chat route", method: "GET", status: 405 },
  { name: "unknown route", path: "/v1/not-a-route", body: {}, status: 404 },
];

async function sendBad(request: BadRequest): Promise<Response> {
  const method = request.method ?? "POST";
  return fetch(`${gateway.url}${request.path ?? "/v1/chat/completions"}`, {
    method,
    headers: request.headers ?? {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey}`,
    },
    body:
      method === "GET"
        ? undefined
        : typeof request.body === "string"
          ? request.body
          : JSON.stringify(request.body ?? {}),
  });
}

describe("bad input", () => {
  it(`has at least 15 cases (${badRequests.length})`, () => {
    expect(badRequests.length).toBeGreaterThanOrEqual(15);
  });

  it.each(badRequests.map((request) => [request.name, request] as const))(
    "%s gets its status and an OpenAI error body",
    async (_name, request) => {
      simulator.requests.length = 0;
      const response = await sendBad(request);
      expect(response.status).toBe(request.status);
      const body = (await response.json()) as OpenAiErrorBody;
      expect(body.error).toEqual(
        expect.objectContaining({
          message: expect.any(String),
          type: expect.any(String),
        }) as unknown,
      );
      expect(body.error).toHaveProperty("code");
      if (request.mentions !== undefined) expect(body.error.message).toContain(request.mentions);
      expect(simulator.requests).toHaveLength(0);
    },
  );

  it("keeps serving after all of them", async () => {
    for (const request of badRequests) await (await sendBad(request)).arrayBuffer();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: "tier:default", messages }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ChatCompletionBody).choices[0]?.message.content).toBe(
      simulatedAnswer(messages),
    );
  });

  it("answers 429 rate_limit_exceeded past GATEWAY_RATE_LIMIT_PER_MINUTE", async () => {
    const limited = await startGateway({
      env: gatewayEnv(simulator, { GATEWAY_RATE_LIMIT_PER_MINUTE: "3" }),
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        const response = await fetch(`${limited.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-user-id": "rate-limited-user" },
          body: JSON.stringify({ model: "tier:default", messages }),
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(((await response.json()) as OpenAiErrorBody).error.code).toBe(
            "rate_limit_exceeded",
          );
        } else await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
