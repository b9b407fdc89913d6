import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { fetchMetrics, metricSum } from "../support/prometheus";
import { startRedisServer } from "../support/redis-server";
import type { RedisServer } from "../support/redis-server";

// The its below run in order and walk one breaker through its life: closed -> open -> half-open ->
// closed, with two gateway processes sharing it through one redis-server.
const threshold = 3;
const halfOpenAfterMs = 1500;

let simulator: ProviderSimulator;
let redisServer: RedisServer;
let first: GatewayProcess;
let second: GatewayProcess;

interface Health {
  status: string;
  providers: Record<string, { breaker: string }>;
}

async function anthropicBreaker(gateway: GatewayProcess): Promise<string | undefined> {
  const health = (await (await fetch(`${gateway.url}/health`)).json()) as Health;
  return health.providers.anthropic?.breaker;
}

function anthropicRequests(): number {
  return simulator.requests.filter((request) => request.provider === "anthropic").length;
}

async function ask(gateway: GatewayProcess): Promise<Response> {
  const response = await postChat(gateway.url, {
    model: "tier:default",
    messages: uniqueMessages("breaker"),
  });
  await response.arrayBuffer();
  return response;
}

beforeAll(async () => {
  simulator = await startProviderSimulator();
  redisServer = await startRedisServer();
  const env = gatewayEnv(simulator, {
    REDIS_URL: redisServer.url,
    LLM_MAX_RETRIES: "0",
    LLM_BREAKER_THRESHOLD: String(threshold),
    LLM_BREAKER_HALF_OPEN_AFTER_MS: String(halfOpenAfterMs),
  });
  [first, second] = await Promise.all([startGateway({ env }), startGateway({ env })]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await simulator?.close();
  await redisServer?.stop();
});

describe("circuit breaker shared through Redis", () => {
  it("stays closed below the threshold", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 503 });
    for (let index = 0; index < threshold - 1; index += 1) await ask(first);
    expect(await anthropicBreaker(first)).toBe("closed");
  });

  it("opens after the threshold of consecutive failures", async () => {
    const response = await ask(first);
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    expect(await anthropicBreaker(first)).toBe("open");
  });

  it("reports the open state in /metrics", async () => {
    const samples = await fetchMetrics(first.url);
    expect(metricSum(samples, "llm_gateway_breaker_state", { provider: "anthropic" })).toBe(2);
  });

  it("sends no calls to the open provider and serves from the fallback", async () => {
    simulator.requests.length = 0;
    const responses = [await ask(first), await ask(first), await ask(first)];
    expect(responses.map((response) => response.headers.get("x-llm-provider"))).toEqual([
      "openai",
      "openai",
      "openai",
    ]);
    expect(anthropicRequests()).toBe(0);
  });

  it("is open for a second gateway process on the same store, which sends no calls either", async () => {
    simulator.requests.length = 0;
    const responses = [await ask(second), await ask(second)];
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(anthropicRequests()).toBe(0);
  });

  it("shows the shared open state in the second process's /health", async () => {
    expect(await anthropicBreaker(second)).toBe("open");
  });

  it("lets exactly one probe through after the half-open delay, even under concurrent requests", async () => {
    simulator.faults.clear("anthropic");
    // The probe is slow, so the other requests arrive while it is still in flight.
    simulator.faults.enqueue("anthropic", { kind: "slow-first-byte", delayMs: 700 });
    await new Promise((resolve) => setTimeout(resolve, halfOpenAfterMs + 200));
    simulator.requests.length = 0;
    const responses = await Promise.all([ask(first), ask(first), ask(second), ask(second)]);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(anthropicRequests()).toBe(1);
  });

  it("closes after the successful probe, in both processes", async () => {
    expect(await anthropicBreaker(first)).toBe("closed");
    expect(await anthropicBreaker(second)).toBe("closed");
  });

  it("sends calls to the recovered provider again", async () => {
    simulator.requests.length = 0;
    const response = await ask(second);
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(anthropicRequests()).toBe(1);
  });

  it("reopens when the half-open probe fails", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 500 });
    for (let index = 0; index < threshold; index += 1) await ask(first);
    expect(await anthropicBreaker(first)).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, halfOpenAfterMs + 200));
    simulator.requests.length = 0;
    await ask(first);
    expect(anthropicRequests()).toBe(1);
    expect(await anthropicBreaker(first)).toBe("open");
  });
});
