// What infra writes into the Supabase secrets, read back by the gateway's own parser: every knob
// comes back as the value the stack holds, and the committed stack files survive the trip whole.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import {
  budgetSchema,
  gatewayCacheKeys,
  gatewaySchema,
  llmSchema,
} from "../../../infra/config-gateway-schema";
import {
  gatewayKnobsEnvironment,
  gatewaySettingsEnvironment,
  gatewayRoutes,
  type GatewaySettings,
} from "../../../infra/supabase/gateway-environment";
import { ConfigError, loadGatewayConfig, type GatewayConfig } from "../config.ts";
import { buildPriceTable } from "../spend/prices.ts";
import { buildRoutingTable } from "../resilience/routing.ts";
import { gatewayKnobKeys, type GatewayKnobs } from "./contract.ts";

const repositoryRoot = path.resolve(__dirname, "../../..");

// A value for every knob, none of them the default, so a knob that does not arrive shows.
const knobs: Required<GatewayKnobs> = {
  attemptTimeoutMs: 12_345,
  requestDeadlineMs: 54_321,
  maxRetries: 7,
  retryBaseMs: 150,
  retryAfterCapMs: 2500,
  breakerThreshold: 9,
  breakerHalfOpenAfterMs: 45_000,
  storeTimeoutMs: 321,
  defaultMaxTokens: 2048,
  maxBodyBytes: 65_536,
  memoryStoreMaxBytes: 8_388_608,
  bodyTimeoutMs: 4321,
  maxResponseBytes: 2_000_000,
  maxEventBytes: 300_000,
  corsOrigins: ["https://app.example.com", "http://localhost:3000"],
  rateLimitPerMinute: 120,
  logLevel: "warn",
  anthropicBaseUrl: "http://127.0.0.1:4010",
  openaiBaseUrl: "http://127.0.0.1:4010/v1",
  geminiBaseUrl: "http://127.0.0.1:4010/gemini/v1beta/openai",
  otlpEndpoint: "http://127.0.0.1:4318",
  serviceName: "llm-gateway-staging",
  metricsFlushMs: 5000,
};

const settings: GatewaySettings = {
  routes: {
    fast: [{ provider: "openai", model: "gpt-4o-mini" }],
    smart: [{ provider: "anthropic", model: "claude-sonnet-4-5" }],
  },
  prices: { "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
  expensiveTiers: ["smart"],
  dailyCapUsd: 2.5,
  responseCacheTtlSeconds: 120,
  embeddingCacheTtlSeconds: 86_400,
  posthogHost: "https://eu.i.posthog.com",
  posthogKey: "phc_example",
  knobs,
};

describe("each platform:gateway knob", () => {
  it.each(gatewayKnobKeys.map((key) => [key] as const))(
    "%s reads back as the value infra wrote",
    async (key) => {
      const environment = gatewayKnobsEnvironment({ [key]: knobs[key] });
      const config = await loadGatewayConfig(environment);

      expect(config[key as keyof GatewayConfig]).toEqual(knobs[key]);
    },
  );

  it("is written as one variable, and an unset one is not written", () => {
    expect(Object.keys(gatewayKnobsEnvironment({ maxRetries: 3 }))).toEqual(["LLM_MAX_RETRIES"]);
  });
});

describe("the settings infra writes", () => {
  it("read back as the same routes", async () => {
    const config = await loadGatewayConfig(gatewaySettingsEnvironment(settings));
    const tiers = Object.fromEntries(
      Object.entries(gatewayRoutes(settings.routes, settings.expensiveTiers)).map(
        ([name, route]) => [name, Array.isArray(route) ? { candidates: route } : route],
      ),
    );

    expect(config.routing).toEqual(buildRoutingTable(tiers));
  });

  it("keep an expensive tier expensive", async () => {
    const config = await loadGatewayConfig(gatewaySettingsEnvironment(settings));

    expect(config.routing.tiers.get("smart")?.expensive).toBe(true);
  });

  it("read back as the same prices", async () => {
    const config = await loadGatewayConfig(gatewaySettingsEnvironment(settings));

    expect(config.prices).toEqual(buildPriceTable(settings.prices));
  });

  it("read back as the same budget, TTLs and PostHog settings", async () => {
    const config = await loadGatewayConfig(gatewaySettingsEnvironment(settings));

    expect(config).toMatchObject({
      dailyCapUsd: 2.5,
      cacheTtlSeconds: 120,
      embeddingCacheTtlSeconds: 86_400,
      posthogHost: "https://eu.i.posthog.com",
      posthogKey: "phc_example",
    });
  });
});

describe("a budget of zero", () => {
  it("is refused by infra's stack schema", () => {
    const result = budgetSchema.safeParse({ dailyUsd: 0 });

    expect(result.error?.issues[0]?.message).toBe("must be a positive number");
  });

  it("is refused by the gateway", async () => {
    await expect(loadGatewayConfig({ LLM_DAILY_CAP_USD: "0" })).rejects.toThrow(ConfigError);
  });

  it("is refused by both with the same words", async () => {
    const gatewayMessage = await loadGatewayConfig({ LLM_DAILY_CAP_USD: "0" }).catch(
      (error: Error) => error.message,
    );
    const infraMessage = budgetSchema.safeParse({ dailyUsd: 0 }).error?.issues[0]?.message;

    expect(gatewayMessage).toBe(`LLM_DAILY_CAP_USD ${infraMessage}, got "0".`);
  });

  it("is the smallest value both refuse: a cent is accepted by both", async () => {
    expect([
      budgetSchema.safeParse({ dailyUsd: 0.01 }).success,
      (await loadGatewayConfig({ LLM_DAILY_CAP_USD: "0.01" })).dailyCapUsd,
    ]).toEqual([true, 0.01]);
  });
});

describe.each(["staging", "production"])("Pulumi.%s.yaml", (stack) => {
  const file = parseYaml(
    readFileSync(path.join(repositoryRoot, `Pulumi.${stack}.yaml`), "utf8"),
  ) as { config: Record<string, Record<string, unknown>> };
  const config = file.config;
  const llm = llmSchema.parse(config["platform:llm"]);
  const budget = budgetSchema.parse(config["platform:budget"]);
  const gateway = gatewaySchema.parse(config["platform:gateway"]);
  const cache = {
    responseTtlSeconds: gatewayCacheKeys.responseTtlSeconds.parse(
      config["platform:cache"]?.responseTtlSeconds,
    ),
    embeddingTtlSeconds: gatewayCacheKeys.embeddingTtlSeconds.parse(
      config["platform:cache"]?.embeddingTtlSeconds,
    ),
  };
  const posthog = config["platform:posthog"] as { host: string; projectKey: string };
  const written = gatewaySettingsEnvironment({
    routes: llm.routes,
    prices: llm.prices,
    expensiveTiers: llm.expensiveTiers,
    dailyCapUsd: budget.dailyUsd,
    responseCacheTtlSeconds: cache.responseTtlSeconds,
    embeddingCacheTtlSeconds: cache.embeddingTtlSeconds,
    posthogHost: posthog.host,
    posthogKey: posthog.projectKey,
    knobs: gateway,
  });

  it("sets the seeds' breaker, timeout and retry figures", () => {
    expect(gateway).toMatchObject({
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 60_000,
      attemptTimeoutMs: 30_000,
      maxRetries: 3,
    });
  });

  it("reaches the gateway with every knob it sets", async () => {
    const parsed = await loadGatewayConfig(written);
    const knobValues = Object.fromEntries(
      Object.entries(gateway).filter(([, value]) => value !== undefined),
    );

    expect(parsed).toMatchObject(knobValues);
  });

  it("reaches the gateway with its budget and TTLs", async () => {
    expect(await loadGatewayConfig(written)).toMatchObject({
      dailyCapUsd: budget.dailyUsd,
      cacheTtlSeconds: cache.responseTtlSeconds,
      embeddingCacheTtlSeconds: cache.embeddingTtlSeconds,
    });
  });

  it("reaches the gateway with every tier it routes", async () => {
    const parsed = await loadGatewayConfig(written);

    expect([...parsed.routing.tiers.keys()].sort()).toEqual(Object.keys(llm.routes).sort());
  });
});
