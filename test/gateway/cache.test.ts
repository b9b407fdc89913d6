import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, postJson, uniqueMessages } from "../support/gateway-client";
import type { ChatCompletionBody } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { fetchMetrics, metricSum } from "../support/prometheus";
import { readSseEvents } from "../support/sse";

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({ env: gatewayEnv(simulator) });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

beforeEach(() => {
  simulator.requests.length = 0;
  simulator.faults.clear();
});

async function send(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ cache: string | null; content: string }> {
  const response = await postChat(gateway.url, body, { headers });
  expect(response.status).toBe(200);
  const json = (await response.json()) as ChatCompletionBody;
  return {
    cache: response.headers.get("x-llm-cache"),
    content: json.choices[0]?.message.content ?? "",
  };
}

function deterministic(label: string): Record<string, unknown> {
  return { model: "tier:default", messages: uniqueMessages(label), temperature: 0 };
}

describe("response cache", () => {
  it("misses on the first deterministic request and hits on the second, without an upstream call", async () => {
    const body = deterministic("plain hit");
    expect((await send(body)).cache).toBe("miss");
    const second = await send(body);
    expect(second.cache).toBe("hit");
    expect(simulator.requests).toHaveLength(1);
  });

  it("hits when the JSON key order differs", async () => {
    const messages = uniqueMessages("key order");
    await send({ model: "tier:default", temperature: 0, messages, max_tokens: 50 });
    const reordered = `{"max_tokens":50,"messages":[{"content":${JSON.stringify(messages[0]?.content)},"role":"user"}],"temperature":0,"model":"tier:default"}`;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: reordered,
    });
    await response.arrayBuffer();
    expect(response.headers.get("x-llm-cache")).toBe("hit");
  });

  it.each<[string, Record<string, unknown>]>([
    ["model", { model: `${testModels.openaiDefault}` }],
    ["messages", { messages: [{ role: "user", content: "a different question" }] }],
    ["temperature (seeded)", { temperature: 0.5, seed: 1 }],
    ["top_p", { top_p: 0.5 }],
    ["max_tokens", { max_tokens: 7 }],
    ["stop", { stop: ["zzz"] }],
    ["seed", { seed: 42 }],
    ["n", { n: 2 }],
    ["response_format", { response_format: { type: "json_object" } }],
    [
      "tools",
      {
        tools: [
          {
            type: "function",
            function: {
              name: "lookup",
              description: "Look up",
              parameters: { type: "object", properties: {} },
            },
          },
        ],
      },
    ],
    ["tool_choice", { tool_choice: "none" }],
  ])("misses when %s changes", async (_field, change) => {
    const base = deterministic("changed field");
    await send(base);
    const changed = await send({ ...base, ...change });
    expect(changed.cache).toBe("miss");
  });

  it("does not cache a non-deterministic request (temperature above 0, no seed)", async () => {
    const body = {
      model: "tier:default",
      messages: uniqueMessages("non-deterministic"),
      temperature: 0.8,
    };
    await send(body);
    const second = await send(body);
    expect(second.cache).not.toBe("hit");
    expect(simulator.requests).toHaveLength(2);
  });

  it("does not cache a request without temperature (the provider default is not deterministic)", async () => {
    const body = { model: "tier:default", messages: uniqueMessages("no temperature") };
    await send(body);
    await send(body);
    expect(simulator.requests).toHaveLength(2);
  });

  it("caches a request with a seed at a non-zero temperature", async () => {
    const body = {
      model: "tier:default",
      messages: uniqueMessages("seeded"),
      temperature: 0.9,
      seed: 3,
    };
    await send(body);
    expect((await send(body)).cache).toBe("hit");
  });

  it("bypasses the cache for Cache-Control: no-cache and calls upstream", async () => {
    const body = deterministic("no-cache");
    await send(body);
    const bypassed = await send(body, { "cache-control": "no-cache" });
    expect(bypassed.cache).toBe("bypass");
    expect(simulator.requests).toHaveLength(2);
  });

  it("never serves one user's cached answer to another user (x-user-id)", async () => {
    const body = deterministic("per user header");
    await send(body, { "x-user-id": "alice" });
    const bob = await send(body, { "x-user-id": "bob" });
    expect(bob.cache).toBe("miss");
    expect((await send(body, { "x-user-id": "alice" })).cache).toBe("hit");
  });

  it("scopes by the request's user field", async () => {
    const body = deterministic("per user field");
    await send({ ...body, user: "user-1" });
    expect((await send({ ...body, user: "user-2" })).cache).toBe("miss");
  });

  it("shares an answer across users when both ask for the shared scope", async () => {
    const body = deterministic("shared scope");
    const shared = { "x-llm-cache-scope": "shared" };
    await send(body, { ...shared, "x-user-id": "alice" });
    expect((await send(body, { ...shared, "x-user-id": "bob" })).cache).toBe("hit");
  });

  it("does not serve a shared-scope answer to a request in its own user scope", async () => {
    const body = deterministic("shared is not private");
    await send(body, { "x-llm-cache-scope": "shared", "x-user-id": "alice" });
    expect((await send(body, { "x-user-id": "bob" })).cache).toBe("miss");
  });

  it("makes one upstream call for 10 identical concurrent requests", async () => {
    // A slow first byte keeps the first call in flight while the others arrive.
    simulator.faults.enqueue("anthropic", { kind: "slow-first-byte", delayMs: 700 });
    const body = deterministic("single flight");
    const results = await Promise.all(Array.from({ length: 10 }, () => send(body)));
    expect(simulator.requests).toHaveLength(1);
    expect(new Set(results.map((result) => result.content)).size).toBe(1);
  });

  it("replays a cached answer as SSE for a streaming request", async () => {
    const body = deterministic("replay as stream");
    const cached = await send(body);
    const response = await postChat(gateway.url, { ...body, stream: true });
    expect(response.headers.get("x-llm-cache")).toBe("hit");
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const { events } = await readSseEvents(response);
    expect(events.at(-1)?.data).toBe("[DONE]");
    const text = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.data) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe(cached.content);
    expect(simulator.requests).toHaveLength(1);
  });

  it("counts hits and misses in llm_gateway_cache_total", async () => {
    const before = await fetchMetrics(gateway.url);
    const body = deterministic("metrics");
    await send(body);
    await send(body);
    const after = await fetchMetrics(gateway.url);
    const delta = (result: string): number =>
      metricSum(after, "llm_gateway_cache_total", { kind: "response", result }) -
      metricSum(before, "llm_gateway_cache_total", { kind: "response", result });
    expect([delta("miss"), delta("hit")]).toEqual([1, 1]);
  });
});

describe("embedding cache", () => {
  it("hits for the same model and input", async () => {
    const body = {
      model: testModels.embedding,
      input: `embed ${Date.now()}`,
      encoding_format: "float",
    };
    await (await postJson(gateway.url, "/v1/embeddings", body)).arrayBuffer();
    const second = await postJson(gateway.url, "/v1/embeddings", body);
    await second.arrayBuffer();
    expect(second.headers.get("x-llm-cache")).toBe("hit");
    expect(simulator.requests).toHaveLength(1);
  });

  it("misses when dimensions change", async () => {
    const body = {
      model: testModels.embedding,
      input: `embed dims ${Date.now()}`,
      encoding_format: "float",
    };
    await (await postJson(gateway.url, "/v1/embeddings", body)).arrayBuffer();
    const second = await postJson(gateway.url, "/v1/embeddings", { ...body, dimensions: 8 });
    await second.arrayBuffer();
    expect(second.headers.get("x-llm-cache")).toBe("miss");
  });
});
