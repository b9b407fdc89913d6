import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import type { ChatCompletionBody, OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { fetchMetrics, metricSum } from "../support/prometheus";
import { startRedisServer } from "../support/redis-server";
import type { RedisServer } from "../support/redis-server";
import { readSseEvents } from "../support/sse";

// Prices high enough that a handful of requests reaches the cap: one cent per token.
const pricePerMillion = 10_000;
const prices = JSON.stringify({
  [testModels.openaiDefault]: {
    inputPerMillion: pricePerMillion,
    outputPerMillion: pricePerMillion,
  },
  [testModels.anthropicDefault]: {
    inputPerMillion: pricePerMillion,
    outputPerMillion: pricePerMillion,
  },
  [testModels.anthropicSmart]: {
    inputPerMillion: pricePerMillion,
    outputPerMillion: pricePerMillion,
  },
  [testModels.openaiSmart]: { inputPerMillion: pricePerMillion, outputPerMillion: pricePerMillion },
});
const maxTokens = 40;

function costOf(usage: { prompt_tokens: number; completion_tokens: number } | undefined): number {
  if (!usage) throw new Error("response has no usage");
  return ((usage.prompt_tokens + usage.completion_tokens) * pricePerMillion) / 1_000_000;
}

interface BudgetSetup {
  simulator: ProviderSimulator;
  redisServer: RedisServer;
  gateway: GatewayProcess;
  redis: ReturnType<typeof createClient>;
  /** The day's spend in the store: the sum of the gateway's budget keys. */
  storedSpend(): Promise<number>;
  close(): Promise<void>;
}

async function setUp(capUsd: number): Promise<BudgetSetup> {
  const simulator = await startProviderSimulator();
  const redisServer = await startRedisServer();
  const gateway = await startGateway({
    env: gatewayEnv(simulator, {
      REDIS_URL: redisServer.url,
      LLM_PRICES: prices,
      LLM_DAILY_CAP_USD: String(capUsd),
      LLM_STORE_TIMEOUT_MS: "200",
    }),
  });
  const redis = createClient({ url: redisServer.url });
  redis.on("error", () => undefined);
  await redis.connect();
  return {
    simulator,
    redisServer,
    gateway,
    redis,
    async storedSpend() {
      const keys = await redis.keys("*budget*");
      const values = keys.length === 0 ? [] : await redis.mGet(keys);
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    },
    async close() {
      await gateway.stop();
      await redis.close();
      await redisServer.stop();
      await simulator.close();
    },
  };
}

async function nonStreamedCost(
  setup: BudgetSetup,
  messages: { role: string; content: string }[],
): Promise<number> {
  const response = await postChat(setup.gateway.url, {
    model: `tier:openai-first`,
    messages,
    max_tokens: maxTokens,
    temperature: 0.7,
  });
  expect(response.status).toBe(200);
  return costOf(((await response.json()) as ChatCompletionBody).usage);
}

describe("budget: costing", () => {
  let setup: BudgetSetup;

  beforeAll(async () => {
    setup = await setUp(1000);
  });

  afterAll(async () => {
    await setup?.close();
  });

  it("adds a non-streamed request's cost from its usage to the store's day counter", async () => {
    const before = await setup.storedSpend();
    const cost = await nonStreamedCost(setup, uniqueMessages("cost non-streamed"));
    expect(await setup.storedSpend()).toBeCloseTo(before + cost, 9);
  });

  it("costs a streamed request exactly like the same request non-streamed", async () => {
    const messages = uniqueMessages("cost alike");
    const before = await setup.storedSpend();
    const nonStreamed = await nonStreamedCost(setup, messages);
    const middle = await setup.storedSpend();
    const response = await postChat(setup.gateway.url, {
      model: "tier:openai-first",
      messages,
      max_tokens: maxTokens,
      temperature: 0.7,
      stream: true,
    });
    await readSseEvents(response);
    // Settlement happens when the stream ends; give the gateway a moment after the last byte.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await setup.storedSpend();
    expect(middle - before).toBeCloseTo(nonStreamed, 9);
    expect(after - middle).toBeCloseTo(nonStreamed, 9);
  });

  it("costs a streamed request even when the client did not ask for usage", async () => {
    const messages = uniqueMessages("cost streamed without include_usage");
    const expected = await nonStreamedCost(setup, messages);
    const before = await setup.storedSpend();
    await readSseEvents(
      await postChat(setup.gateway.url, {
        model: "tier:openai-first",
        messages,
        max_tokens: maxTokens,
        temperature: 0.7,
        stream: true,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await setup.storedSpend()) - before).toBeCloseTo(expected, 9);
  });

  it("reports the same cost in llm_gateway_cost_usd_total as in the store", async () => {
    const samples = await fetchMetrics(setup.gateway.url);
    const metricTotal = metricSum(samples, "llm_gateway_cost_usd_total");
    expect(metricTotal).toBeCloseTo(await setup.storedSpend(), 6);
  });

  it("never double-counts across a store outage", async () => {
    // max_tokens below every simulated answer's length: the output is exactly max_tokens, so the
    // reservation estimate and the actual cost nearly agree and a second count stands out.
    const body = (label: string): Record<string, unknown> => ({
      model: "tier:openai-first",
      messages: uniqueMessages(label),
      max_tokens: 5,
      temperature: 0.7,
    });
    await (await postChat(setup.gateway.url, body("outage before"))).arrayBuffer();
    // Settlement may finish just after the response; let it land before reading the counter.
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    const spentBefore = await setup.storedSpend();
    const storeErrorsBefore = metricSum(
      await fetchMetrics(setup.gateway.url),
      "llm_gateway_store_errors_total",
    );
    // A frozen redis-server: commands sent now run when it resumes, so a blind retry would count twice.
    setup.redisServer.pause();
    let duringCost = 0;
    try {
      const during = await postChat(setup.gateway.url, body("outage during"));
      expect(during.status).toBe(200);
      duringCost = costOf(((await during.json()) as ChatCompletionBody).usage);
    } finally {
      setup.redisServer.resume();
    }
    // Commands the frozen server queued run as soon as it resumes; give them, and anything the
    // gateway does after its store guard's one-second cool-down, time to land. The spend is read
    // before any further request, so a later request that itself meets a slow store (a loaded
    // machine) cannot make the count look negative.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const countedForOutageRequest = (await setup.storedSpend()) - spentBefore;
    const after = await postChat(setup.gateway.url, body("outage after"));
    expect(after.status).toBe(200);
    await after.arrayBuffer();
    // The outage really hit the request: the gateway saw store calls fail.
    const storeErrorsAfter = metricSum(
      await fetchMetrics(setup.gateway.url),
      "llm_gateway_store_errors_total",
    );
    expect(storeErrorsAfter).toBeGreaterThan(storeErrorsBefore);
    // Counted once (its estimate or its actual cost) or not at all; twice would be about 2x.
    expect(countedForOutageRequest).toBeLessThan(duringCost * 1.5);
    expect(countedForOutageRequest).toBeGreaterThanOrEqual(-1e-9);
  });
});

describe("budget: the daily cap", () => {
  const capUsd = 2;
  let setup: BudgetSetup;

  beforeAll(async () => {
    setup = await setUp(capUsd);
  });

  afterAll(async () => {
    await setup?.close();
  });

  it("never overspends the cap by more than one request's cost under 24 concurrent requests", async () => {
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, index) =>
        postChat(setup.gateway.url, {
          model: "tier:openai-first",
          messages: uniqueMessages(`concurrent ${index}`),
          max_tokens: maxTokens,
          temperature: 0.7,
        }),
      ),
    );
    const costs: number[] = [];
    for (const response of responses) {
      if (response.status === 200)
        costs.push(costOf(((await response.json()) as ChatCompletionBody).usage));
      else await response.arrayBuffer();
    }
    const served = costs.reduce((sum, cost) => sum + cost, 0);
    const largest = Math.max(...costs);
    expect(costs.length).toBeGreaterThan(0);
    expect(costs.length).toBeLessThan(24);
    expect(served).toBeLessThanOrEqual(capUsd + largest);
    expect(await setup.storedSpend()).toBeLessThanOrEqual(capUsd + largest);
  });

  it("settles the store counter to the actual cost of what was served", async () => {
    const upstreamCalls = setup.simulator.requests.length;
    expect(upstreamCalls).toBeGreaterThan(0);
    const samples = await fetchMetrics(setup.gateway.url);
    expect(await setup.storedSpend()).toBeCloseTo(
      metricSum(samples, "llm_gateway_cost_usd_total"),
      6,
    );
  });

  it("answers 429 budget_exceeded once no candidate is affordable", async () => {
    // Reservations settle to the (smaller) actual cost, so room may be left after the burst: spend it.
    let response: Response | undefined;
    for (let index = 0; index < 20; index += 1) {
      response = await postChat(setup.gateway.url, {
        model: "tier:default",
        messages: uniqueMessages(`over the cap ${index}`),
        max_tokens: maxTokens,
        temperature: 0.7,
      });
      if (response.status !== 200) break;
      await response.arrayBuffer();
    }
    expect(response?.status).toBe(429);
    expect(((await response?.json()) as OpenAiErrorBody).error.code).toBe("budget_exceeded");
    expect(await setup.storedSpend()).toBeLessThanOrEqual(capUsd);
  });

  it("makes no upstream call for a request refused by the budget", async () => {
    setup.simulator.requests.length = 0;
    const response = await postChat(setup.gateway.url, {
      model: "tier:smart",
      messages: uniqueMessages("expensive over the cap"),
      max_tokens: maxTokens,
      temperature: 0.7,
    });
    await response.arrayBuffer();
    expect(response.status).toBe(429);
    expect(setup.simulator.requests).toHaveLength(0);
  });

  it("exposes the day's spend as llm_gateway_budget_spent_usd", async () => {
    const samples = await fetchMetrics(setup.gateway.url);
    expect(metricSum(samples, "llm_gateway_budget_spent_usd")).toBeCloseTo(
      await setup.storedSpend(),
      6,
    );
  });
});
