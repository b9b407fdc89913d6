import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { startRedisServer } from "../support/redis-server";
import type { RedisServer } from "../support/redis-server";
import { startUpstashRestServer } from "../support/upstash-rest-server";
import type { UpstashRestServer } from "../support/upstash-rest-server";
import { timeouts } from "../support/timeouts";

const restToken = "upstash-REST-token-SECRET-0123456789";

let simulator: ProviderSimulator;
let redisServer: RedisServer;
let upstash: UpstashRestServer;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  redisServer = await startRedisServer();
  upstash = await startUpstashRestServer({ redisUrl: redisServer.url, token: restToken });
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: restToken,
      LLM_DAILY_CAP_USD: "100",
      // This file is about the REST protocol, not the guard: a loaded machine may take longer than
      // the test environment's 200 ms for a REST round trip, and /health would call the store
      // unreachable. The guard's bound is tested with fake timers in guarded-store.test.ts.
      LLM_STORE_TIMEOUT_MS: String(timeouts.storeCall),
    }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstash?.close();
  await redisServer?.stop();
  await simulator?.close();
});

describe("Upstash REST store mode", () => {
  it("reports the upstash store as reachable in /health", async () => {
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as { store: unknown };
    expect(health.store).toEqual({ kind: "upstash", reachable: true });
  });

  it("serves a repeated deterministic request from the cache through the REST protocol", async () => {
    const body = {
      model: "tier:default",
      messages: uniqueMessages("upstash cache"),
      temperature: 0,
    };
    await (await postChat(gateway.url, body)).arrayBuffer();
    simulator.requests.length = 0;
    const requestsBefore = upstash.requestCount();
    const second = await postChat(gateway.url, body);
    await second.arrayBuffer();
    expect(second.headers.get("x-llm-cache")).toBe("hit");
    expect(simulator.requests).toHaveLength(0);
    expect(upstash.requestCount()).toBeGreaterThan(requestsBefore);
  });

  it("keeps the cache entry and the budget counter in the Redis behind it", async () => {
    await (
      await postChat(gateway.url, {
        model: "tier:default",
        messages: uniqueMessages("upstash keys"),
        temperature: 0,
      })
    ).arrayBuffer();
    const redis = createClient({ url: redisServer.url });
    await redis.connect();
    try {
      const keys = await redis.keys("*");
      expect(keys.some((key) => key.includes("budget"))).toBe(true);
      expect(keys.length).toBeGreaterThanOrEqual(2);
    } finally {
      await redis.close();
    }
  });

  it("never prints the REST token", () => {
    expect(gateway.output.some((line) => line.text.includes(restToken))).toBe(false);
  });
});
