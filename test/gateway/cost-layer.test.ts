// Tier escalation, the soft and hard daily caps, the Slack spend alert and the cost ledger,
// through the real gateway under Deno (memory store), the provider simulator and PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startLoopbackServer,
  type LoopbackServer,
} from "../../functions/llm-gateway/test/loopback-server";
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway, type GatewayProcess } from "../support/gateway-process";
import { fetchMetrics, metricSum } from "../support/prometheus";
import { timeouts } from "../support/timeouts";
import { waitUntil } from "../support/wait-until";

// One cent per token: a handful of requests moves the day's spend by dollars.
const pricePerMillion = 10_000;
const price = { inputPerMillion: pricePerMillion, outputPerMillion: pricePerMillion };
const routes = {
  cheap: [{ provider: "openai", model: testModels.openaiDefault }],
  dear: {
    expensive: true,
    candidates: [{ provider: "anthropic", model: testModels.anthropicSmart }],
  },
  embedding: [{ provider: "openai", model: testModels.embedding }],
};
const prices = { [testModels.openaiDefault]: price, [testModels.anthropicSmart]: price };

let simulator: ProviderSimulator;

beforeAll(async () => {
  simulator = await startProviderSimulator({ recordRequests: false });
}, timeouts.hook);

afterAll(async () => {
  await simulator?.close();
}, timeouts.hook);

function costEnv(overrides: Record<string, string>): Record<string, string> {
  return gatewayEnv(simulator, {
    LLM_ROUTES: JSON.stringify(routes),
    LLM_PRICES: JSON.stringify(prices),
    LLM_TIER_LADDER: "cheap,dear",
    LLM_MAX_RETRIES: "0",
    ...overrides,
  });
}

async function chat(gateway: GatewayProcess, model: string, label: string): Promise<Response> {
  const response = await postChat(gateway.url, {
    model,
    max_tokens: 20,
    temperature: 0.7,
    messages: uniqueMessages(label),
  });
  await response.arrayBuffer();
  return response;
}

describe("tier:auto", () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGateway({ env: costEnv({}) });
  }, timeouts.hook);

  afterAll(async () => {
    simulator.faults.clear();
    await gateway?.stop();
  }, timeouts.hook);

  it("starts at the cheapest tier", async () => {
    const response = await chat(gateway, "tier:auto", "auto cheap");

    expect(response.headers.get("x-llm-tier")).toBe("cheap");
  });

  it("escalates to the next tier when the cheapest fails", async () => {
    simulator.faults.setPersistent("openai", { kind: "status", status: 503 });
    const response = await chat(gateway, "tier:auto", "auto escalates");
    simulator.faults.clear();

    expect([response.status, response.headers.get("x-llm-tier")]).toEqual([200, "dear"]);
  });
});

describe("the daily cap with a hard cap above it", () => {
  const capUsd = 1;
  let gateway: GatewayProcess;
  let slack: LoopbackServer;

  beforeAll(async () => {
    slack = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    });
    gateway = await startGateway({
      env: costEnv({
        LLM_DAILY_CAP_USD: String(capUsd),
        LLM_HARD_CAP_USD: "1000",
        SLACK_WEBHOOK_URL: slack.url,
        GATEWAY_ENVIRONMENT: "test-stack",
      }),
    });
    // Spend past the cap on the cheap tier, which keeps serving until the hard cap.
    for (let index = 0; index < 40; index += 1) {
      const metrics = await fetchMetrics(gateway.url);
      if (metricSum(metrics, "llm_gateway_budget_spent_usd") > capUsd) break;
      await chat(gateway, "tier:cheap", `spend ${index}`);
    }
  }, timeouts.hook);

  afterAll(async () => {
    await gateway?.stop();
    await slack?.close();
  }, timeouts.hook);

  it("refuses the expensive tier past the cap", async () => {
    const response = await chat(gateway, "tier:dear", "dear at the cap");

    expect(response.status).toBe(429);
  });

  it("keeps serving the cheap tier past the cap", async () => {
    const response = await chat(gateway, "tier:cheap", "cheap at the cap");

    expect(response.status).toBe(200);
  });

  it("posts the spend alert to Slack once for the day", async () => {
    await waitUntil(() => slack.received.length > 0, {
      description: "the Slack alert",
      timeoutMs: timeouts.storeCall,
    });
    await chat(gateway, "tier:cheap", "after the alert");
    const alert = JSON.parse(slack.received[0]?.body ?? "{}") as { text?: string };

    expect([slack.received.length, alert.text?.includes("test-stack")]).toEqual([1, true]);
  });
});

describe("the cost ledger", () => {
  let local: LocalDatabase;
  let gateway: GatewayProcess;
  let metrics: Awaited<ReturnType<typeof fetchMetrics>>;
  let view: Record<string, unknown>[];
  let rows: Array<{ cache_layer: string; embedding_cost_usd: string }>;
  const served = { total: 0, exact: 0, semantic: 0 };

  async function ask(content: string, temperature: number): Promise<void> {
    const response = await postChat(gateway.url, {
      model: "tier:cheap",
      temperature,
      max_tokens: 20,
      messages: [{ role: "user", content }],
    });
    await response.arrayBuffer();
    served.total += 1;
    const cache = response.headers.get("x-llm-cache");
    if (cache === "hit") served.exact += 1;
    if (cache === "semantic") served.semantic += 1;
    // The next request may reuse this answer once it is stored (after the response).
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  beforeAll(async () => {
    local = await startLocalDatabase();
    gateway = await startGateway({
      env: costEnv({
        DATABASE_URL: local.url,
        GATEWAY_ENVIRONMENT: "ledger-test",
        // The gateway's own embeddings priced like the answers, so their cost is plain to see.
        LLM_PRICES: JSON.stringify({ ...prices, [testModels.embedding]: price }),
      }),
    });
    // A replayed workload: each question asked, repeated word for word, then paraphrased.
    const letters = "bcdfghjklmnpqrstvwxz";
    let last = "";
    for (let question = 0; question < 3; question += 1) {
      let word = "";
      for (let index = 0; index < 12; index += 1)
        word += letters[Math.floor(Math.random() * letters.length)];
      last = `How do I export my ${word} journal entries?`;
      await ask(last, 0);
      await ask(last, 0);
      await ask(`how can I export my ${word} journal entries`, 0);
    }
    // The last question at another temperature: no cached answer, but its text is embedded
    // already, so the embedding comes from the embedding cache.
    await ask(last, 0.2);
    metrics = await fetchMetrics(gateway.url);
    // A graceful stop writes the ledger rows still queued; PGlite is then read in this process.
    await gateway.stop();
    view = (
      await local.database.query<Record<string, unknown>>(
        "select * from public.llm_cache_effectiveness where environment = 'ledger-test'",
      )
    ).rows;
    rows = (
      await local.database.query<{ cache_layer: string; embedding_cost_usd: string }>(
        `select cache_layer, embedding_cost_usd from public.llm_request_ledger
         where environment = 'ledger-test' order by id`,
      )
    ).rows;
  }, timeouts.hook);

  afterAll(async () => {
    await gateway?.stop();
    await local?.stop();
  }, timeouts.hook);

  it("returns one day of the replayed workload with its hit counts", () => {
    expect(
      view.map((row) => [
        Number(row.total_requests),
        Number(row.exact_hits),
        Number(row.semantic_hits),
      ]),
    ).toEqual([[served.total, served.exact, served.semantic]]);
  });

  it("serves some of the paraphrases from the semantic cache", () => {
    expect(served.semantic).toBeGreaterThan(0);
  });

  it("reports the hit rate of what was served", () => {
    expect(Number(view[0]?.cache_hit_rate_percent)).toBeCloseTo(
      (100 * (served.exact + served.semantic)) / served.total,
      1,
    );
  });

  it("reports the savings the metrics counted", () => {
    const avoided = metricSum(metrics, "llm_gateway_cost_avoided_usd_total");

    expect([avoided > 0, Number(view[0]?.cost_avoided_usd)]).toEqual([
      true,
      expect.closeTo(avoided, 6),
    ]);
  });

  it("reports the actual cost the metrics counted, the gateway's own embeddings included", () => {
    const cost = [testModels.openaiDefault, testModels.embedding]
      .map((model) => metricSum(metrics, "llm_gateway_cost_usd_total", { model }))
      .reduce((sum, value) => sum + value, 0);

    expect(Number(view[0]?.actual_cost_usd)).toBeCloseTo(cost, 6);
  });

  it("records the embedding's cost on a request the semantic cache answered", () => {
    const semantic = rows.filter((row) => row.cache_layer === "semantic");

    expect([
      semantic.length > 0,
      semantic.every((row) => Number(row.embedding_cost_usd) > 0),
    ]).toEqual([true, true]);
  });

  it("records the embedding's cost on a new question, which a provider answered", () => {
    expect([rows[0]?.cache_layer, Number(rows[0]?.embedding_cost_usd) > 0]).toEqual(["none", true]);
  });

  it("records no embedding cost on an exact hit, which needs none", () => {
    const exact = rows.filter((row) => row.cache_layer === "exact");

    expect([exact.length > 0, exact.every((row) => Number(row.embedding_cost_usd) === 0)]).toEqual([
      true,
      true,
    ]);
  });

  it("records no embedding cost when the embedding came from the embedding cache", () => {
    expect([rows.at(-1)?.cache_layer, Number(rows.at(-1)?.embedding_cost_usd)]).toEqual([
      "none",
      0,
    ]);
  });

  it("reports the embeddings' cost the metrics counted", () => {
    const cost = metricSum(metrics, "llm_gateway_cost_usd_total", { model: testModels.embedding });

    expect([cost > 0, Number(view[0]?.embedding_cost_usd)]).toEqual([
      true,
      expect.closeTo(cost, 6),
    ]);
  });
});
