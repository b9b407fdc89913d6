import { describe, expect, it } from "vitest";
import {
  gatewayKnobsEnvironment,
  gatewayRoutes,
  gatewaySettingsEnvironment,
} from "./gateway-environment";

const fast = [{ provider: "openai" as const, model: "gpt-4o-mini" }];
const smart = [{ provider: "anthropic" as const, model: "claude-sonnet-4-5" }];

describe("gatewayRoutes", () => {
  it("keeps a plain tier as its candidate list", () => {
    expect(gatewayRoutes({ fast }, [])).toEqual({ fast });
  });

  it("marks a tier listed in expensiveTiers as expensive", () => {
    expect(gatewayRoutes({ smart }, ["smart"])).toEqual({
      smart: { expensive: true, candidates: smart },
    });
  });

  it("keeps a tier already written as expensive", () => {
    expect(gatewayRoutes({ smart: { expensive: true, candidates: smart } }, [])).toEqual({
      smart: { expensive: true, candidates: smart },
    });
  });

  it("writes a non-expensive object tier as its candidate list", () => {
    expect(gatewayRoutes({ smart: { expensive: false, candidates: smart } }, [])).toEqual({
      smart,
    });
  });
});

describe("gatewaySettingsEnvironment", () => {
  it("maps every setting to its documented variable", () => {
    const environment = gatewaySettingsEnvironment({
      routes: { fast },
      prices: { "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
      expensiveTiers: [],
      dailyCapUsd: 5,
      responseCacheTtlSeconds: 3600,
      embeddingCacheTtlSeconds: 604800,
      posthogHost: "https://eu.i.posthog.com",
      posthogKey: "phc_example",
    });

    expect(environment).toEqual({
      LLM_ROUTES: JSON.stringify({ fast }),
      LLM_PRICES: '{"gpt-4o-mini":{"inputPerMillion":0.15,"outputPerMillion":0.6}}',
      LLM_DAILY_CAP_USD: "5",
      LLM_CACHE_TTL_S: "3600",
      EMBEDDING_CACHE_TTL_S: "604800",
      POSTHOG_HOST: "https://eu.i.posthog.com",
      POSTHOG_KEY: "phc_example",
    });
  });
});

describe("gatewayKnobsEnvironment", () => {
  it("writes each knob that is set under its contract variable", () => {
    expect(gatewayKnobsEnvironment({ breakerThreshold: 5, logLevel: "warn" })).toEqual({
      LLM_BREAKER_THRESHOLD: "5",
      LOG_LEVEL: "warn",
    });
  });

  it("writes nothing for knobs left unset", () => {
    expect(gatewayKnobsEnvironment({})).toEqual({});
  });
});
