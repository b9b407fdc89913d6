import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { contentText } from "../../scripts/provider-simulator/conversation";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { fetchMetrics, metricSum, parsePrometheus } from "../support/prometheus";
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

describe("routes, headers, health and metrics", () => {
  it("answers /health with each provider's breaker and the store", async () => {
    const response = await fetch(`${gateway.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      providers: {
        anthropic: { breaker: "closed" },
        openai: { breaker: "closed" },
        gemini: { breaker: "closed" },
      },
      store: { kind: "memory", reachable: true },
    });
  });

  it("answers /llm-gateway/health and /llm-gateway/metrics as well", async () => {
    const health = await fetch(`${gateway.url}/llm-gateway/health`);
    const metrics = await fetch(`${gateway.url}/llm-gateway/metrics`);
    await Promise.all([health.arrayBuffer(), metrics.arrayBuffer()]);
    expect([health.status, metrics.status]).toEqual([200, 200]);
  });

  it("sets every x-llm header on a completion", async () => {
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("headers"),
      temperature: 0,
    });
    await response.arrayBuffer();
    expect({
      provider: response.headers.get("x-llm-provider"),
      model: response.headers.get("x-llm-model"),
      cache: response.headers.get("x-llm-cache"),
      attempts: response.headers.get("x-llm-attempts"),
    }).toEqual({
      provider: "anthropic",
      model: testModels.anthropicDefault,
      cache: "miss",
      attempts: "1",
    });
  });

  it("echoes a sane incoming x-request-id", async () => {
    const response = await postChat(
      gateway.url,
      { model: "tier:default", messages: uniqueMessages("request id") },
      { headers: { "x-request-id": "test-request-0001" } },
    );
    await response.arrayBuffer();
    expect(response.headers.get("x-request-id")).toBe("test-request-0001");
  });

  it("generates an x-request-id when the incoming one is not sane", async () => {
    const response = await postChat(
      gateway.url,
      { model: "tier:default", messages: uniqueMessages("bad request id") },
      { headers: { "x-request-id": "x".repeat(500) } },
    );
    await response.arrayBuffer();
    const requestId = response.headers.get("x-request-id") ?? "";
    expect(requestId.length).toBeGreaterThan(0);
    expect(requestId.length).toBeLessThan(200);
  });

  it("serves a concrete model by its own provider first", async () => {
    const response = await postChat(gateway.url, {
      model: testModels.openaiDefault,
      messages: uniqueMessages("concrete"),
    });
    await response.arrayBuffer();
    expect(response.headers.get("x-llm-provider")).toBe("openai");
  });

  it("falls back along the concrete model's tier", async () => {
    simulator.faults.setPersistent("openai", { kind: "status", status: 500 });
    try {
      const response = await postChat(gateway.url, {
        model: testModels.openaiDefault,
        messages: uniqueMessages("concrete fallback"),
      });
      await response.arrayBuffer();
      expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    } finally {
      simulator.faults.clear();
    }
  });

  it("passes system messages, stop, temperature, top_p and max_tokens to Anthropic's Messages format", async () => {
    simulator.requests.length = 0;
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "translate me" },
      ],
      stop: ["END"],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 5,
    });
    await response.arrayBuffer();
    const body = simulator.requests[0]?.body as {
      system: unknown;
      messages: { role: string; content: unknown }[];
    };
    // Plain strings and text blocks are both valid Messages API content.
    expect(contentText(body.system)).toBe("Be brief.");
    expect(body.messages.map((message) => [message.role, contentText(message.content)])).toEqual([
      ["user", "translate me"],
    ]);
    expect(body).toMatchObject({
      model: testModels.anthropicDefault,
      stop_sequences: ["END"],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 5,
    });
  });

  it("sends Anthropic's auth and version headers", async () => {
    simulator.requests.length = 0;
    await (
      await postChat(gateway.url, {
        model: "tier:default",
        messages: uniqueMessages("auth headers"),
      })
    ).arrayBuffer();
    expect(simulator.requests[0]?.headers).toMatchObject({ "anthropic-version": "2023-06-01" });
    expect(simulator.requests[0]?.headers["x-api-key"]).toEqual(expect.any(String));
  });

  it("translates Anthropic's max_tokens stop into finish_reason length", async () => {
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("length"),
      max_tokens: 2,
    });
    const body = (await response.json()) as { choices: { finish_reason: string }[] };
    expect(body.choices[0]?.finish_reason).toBe("length");
  });

  it("streams Anthropic through as OpenAI chunks with a usage chunk when asked", async () => {
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("stream usage"),
      stream: true,
      stream_options: { include_usage: true },
    });
    const { events } = await readSseEvents(response);
    const chunks = events
      .filter((event) => event.data !== "[DONE]")
      .map(
        (event) =>
          JSON.parse(event.data) as { object: string; usage?: { total_tokens: number } | null },
      );
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("exposes the contract's metric names", async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const name of [
      "llm_gateway_requests_total",
      "llm_gateway_cache_total",
      "llm_gateway_tokens_total",
      "llm_gateway_cost_usd_total",
      "llm_gateway_request_duration_seconds_bucket",
      "llm_gateway_request_duration_seconds_sum",
      "llm_gateway_request_duration_seconds_count",
      "llm_gateway_upstream_attempts_total",
      "llm_gateway_breaker_state",
    ]) {
      expect(
        parsePrometheus(text).some((sample) => sample.name === name),
        name,
      ).toBe(true);
    }
  });

  it("counts requests by route, provider, model and status", async () => {
    const before = await fetchMetrics(gateway.url);
    await (
      await postChat(gateway.url, { model: "tier:default", messages: uniqueMessages("count") })
    ).arrayBuffer();
    const after = await fetchMetrics(gateway.url);
    const labels = { provider: "anthropic", model: testModels.anthropicDefault, status: "200" };
    expect(
      metricSum(after, "llm_gateway_requests_total", labels) -
        metricSum(before, "llm_gateway_requests_total", labels),
    ).toBe(1);
  });

  it("counts input and output tokens", async () => {
    const samples = await fetchMetrics(gateway.url);
    expect(metricSum(samples, "llm_gateway_tokens_total", { direction: "input" })).toBeGreaterThan(
      0,
    );
    expect(metricSum(samples, "llm_gateway_tokens_total", { direction: "output" })).toBeGreaterThan(
      0,
    );
  });
});
