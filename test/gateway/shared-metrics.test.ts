import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { metricSum, parsePrometheus, type MetricSample } from "../support/prometheus";
import { startRedisServer } from "../support/redis-server";
import type { RedisServer } from "../support/redis-server";

// Two gateway processes on one redis-server stand for two edge isolates. Each /metrics scrape
// writes its own process's changes before it reads the totals, so the test needs no timing: scrape
// the second gateway (writes its traffic), then the first (writes its own, reads both).
const metricsToken = "metrics-token-0123456789";

let simulator: ProviderSimulator;
let redisServer: RedisServer;
let first: GatewayProcess;
let second: GatewayProcess;

async function ask(gateway: GatewayProcess, label: string, temperature = 0.9): Promise<void> {
  const response = await postChat(gateway.url, {
    model: "tier:default",
    messages: uniqueMessages(label),
    temperature,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`chat answered ${response.status}`);
}

async function scrape(gateway: GatewayProcess): Promise<MetricSample[]> {
  const response = await fetch(`${gateway.url}/metrics`, {
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

function chatRequests(samples: MetricSample[]): number {
  return metricSum(samples, "llm_gateway_requests_total", {
    route: "/v1/chat/completions",
    status: "200",
  });
}

beforeAll(async () => {
  simulator = await startProviderSimulator();
  redisServer = await startRedisServer();
  const env = gatewayEnv(simulator, {
    REDIS_URL: redisServer.url,
    GATEWAY_METRICS_TOKEN: metricsToken,
    // Long enough that only the scrapes write: the sums below come from them, not a race.
    GATEWAY_METRICS_FLUSH_MS: "600000",
  });
  [first, second] = await Promise.all([startGateway({ env }), startGateway({ env })]);
  for (let index = 0; index < 3; index++) await ask(first, `first ${index}`);
  for (let index = 0; index < 2; index++) await ask(second, `second ${index}`);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await simulator?.close();
  await redisServer?.stop();
});

describe("metrics shared through one redis-server", () => {
  it("reports the sum of both processes' requests from the first", async () => {
    await scrape(second);

    expect(chatRequests(await scrape(first))).toBe(5);
  });

  it("reports the same sum from the second", async () => {
    expect(chatRequests(await scrape(second))).toBe(5);
  });

  it("adds up the latency histogram's count too", async () => {
    const samples = await scrape(first);

    expect(metricSum(samples, "llm_gateway_request_duration_seconds_count")).toBeGreaterThanOrEqual(
      5,
    );
  });

  it("adds up the cost of both processes' answers", async () => {
    const samples = await scrape(first);
    const simulatorCost = metricSum(samples, "llm_gateway_cost_usd_total");

    expect(simulatorCost).toBeGreaterThan(0);
    expect(metricSum(await scrape(second), "llm_gateway_cost_usd_total")).toBeCloseTo(
      simulatorCost,
      12,
    );
  });

  it("counts a later request once, not once per scrape", async () => {
    await ask(second, "later");
    await scrape(second);
    await scrape(second);

    expect(chatRequests(await scrape(first))).toBe(6);
  });
});

describe("the metrics token", () => {
  it("turns a scrape without it away with 401", async () => {
    const response = await fetch(`${first.url}/metrics`);
    await response.arrayBuffer();

    expect(response.status).toBe(401);
  });

  it("turns a wrong token away with 401", async () => {
    const response = await fetch(`${first.url}/metrics`, {
      headers: { authorization: "Bearer not-the-token" },
    });
    await response.arrayBuffer();

    expect(response.status).toBe(401);
  });

  it("guards the status data as well", async () => {
    const response = await fetch(`${first.url}/status.json`);
    await response.arrayBuffer();

    expect(response.status).toBe(401);
  });
});
