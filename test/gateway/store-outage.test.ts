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
import { startSilentTcpServer } from "../support/silent-tcp-server";
import type { SilentTcpServer } from "../support/silent-tcp-server";

// LLM_STORE_TIMEOUT_MS is 200 in the test env; a request may meet a few store calls (cache read,
// budget, breaker, cache write), so "within a bound" here means well under two seconds.
const boundMs = 2000;

let simulator: ProviderSimulator;

beforeAll(async () => {
  simulator = await startProviderSimulator();
});

afterAll(async () => {
  await simulator?.close();
});

async function timedRequest(
  gateway: GatewayProcess,
  label: string,
): Promise<{ response: Response; elapsedMs: number }> {
  const started = performance.now();
  const response = await postChat(gateway.url, {
    model: "tier:default",
    messages: uniqueMessages(label),
    temperature: 0,
  });
  await response.arrayBuffer();
  return { response, elapsedMs: performance.now() - started };
}

describe("store down: redis-server stopped", () => {
  let redisServer: RedisServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    gateway = await startGateway({ env: gatewayEnv(simulator, { REDIS_URL: redisServer.url }) });
    await redisServer.stop();
  });

  afterAll(async () => {
    await gateway?.stop();
    await redisServer?.stop();
  });

  it("still serves a cacheable request within the bound", async () => {
    const { response, elapsedMs } = await timedRequest(gateway, "redis stopped");
    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(boundMs);
  });

  it("marks the response as a cache bypass", async () => {
    const { response } = await timedRequest(gateway, "redis stopped header");
    expect(response.headers.get("x-llm-cache")).toBe("bypass");
  });

  it("counts the bypass and the store errors in /metrics", async () => {
    await timedRequest(gateway, "redis stopped metrics");
    const samples = await fetchMetrics(gateway.url);
    expect(
      metricSum(samples, "llm_gateway_cache_total", { result: "bypass" }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricSum(samples, "llm_gateway_store_errors_total")).toBeGreaterThanOrEqual(1);
  });

  it("reports the store unreachable in /health", async () => {
    const response = await fetch(`${gateway.url}/health`);
    const health = (await response.json()) as {
      status: string;
      store: { kind: string; reachable: boolean };
    };
    expect(health.store).toEqual({ kind: "redis", reachable: false });
    expect(health.status).toBe("degraded");
  });

  it("uses the cache again once redis-server is back", async () => {
    await redisServer.restart();
    const body = { model: "tier:default", messages: uniqueMessages("redis back"), temperature: 0 };
    // The client reconnects in the background; allow it a few tries.
    let cache: string | null = null;
    for (let attempt = 0; attempt < 20 && cache !== "hit"; attempt += 1) {
      const response = await postChat(gateway.url, body);
      await response.arrayBuffer();
      cache = response.headers.get("x-llm-cache");
      if (cache !== "hit") await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(cache).toBe("hit");
  });
});

describe("store slow: a TCP server that accepts and never answers", () => {
  let silent: SilentTcpServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    silent = await startSilentTcpServer();
    gateway = await startGateway({
      env: gatewayEnv(simulator, { REDIS_URL: `redis://127.0.0.1:${silent.port}` }),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await silent?.close();
  });

  it("still serves within the bound", async () => {
    const { response, elapsedMs } = await timedRequest(gateway, "silent store");
    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(boundMs);
  });

  it("serves ten requests in a row each within the bound", async () => {
    const elapsed: number[] = [];
    for (let index = 0; index < 10; index += 1)
      elapsed.push((await timedRequest(gateway, `silent ${index}`)).elapsedMs);
    expect(Math.max(...elapsed)).toBeLessThan(boundMs);
  });

  it("counts the bypass in /metrics", async () => {
    await timedRequest(gateway, "silent metrics");
    const samples = await fetchMetrics(gateway.url);
    expect(
      metricSum(samples, "llm_gateway_cache_total", { result: "bypass" }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricSum(samples, "llm_gateway_store_errors_total")).toBeGreaterThanOrEqual(1);
  });

  it("answers /health within the bound", async () => {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/health`);
    await response.arrayBuffer();
    expect(performance.now() - started).toBeLessThan(boundMs);
  });
});
