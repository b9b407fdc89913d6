import { describe, expect, it } from "vitest";
import { gatewayEnvironment } from "../functions/llm-gateway/environment/contract";
import {
  budgetSchema,
  gatewayCacheDefaults,
  gatewayCacheKeys,
  gatewaySchema,
  llmSchema,
} from "./config-gateway-schema";

const routes = { fast: [{ provider: "openai", model: "gpt-4o-mini" }] };
const prices = { "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 } };

function firstIssue(result: {
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) {
  const issue = result.error?.issues[0];
  return issue && { path: issue.path, message: issue.message };
}

describe("platform:gateway", () => {
  it("takes the contract's defaults when the section is absent", () => {
    expect(gatewaySchema.parse(undefined)).toEqual({
      attemptTimeoutMs: 30_000,
      requestDeadlineMs: 60_000,
      maxRetries: 3,
      retryBaseMs: 200,
      retryAfterCapMs: 10_000,
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 60_000,
      storeTimeoutMs: 250,
      defaultMaxTokens: 4096,
      maxBodyBytes: 1_048_576,
      memoryStoreMaxBytes: 67_108_864,
      logLevel: "info",
      anthropicBaseUrl: "https://api.anthropic.com",
      openaiBaseUrl: "https://api.openai.com/v1",
      serviceName: "llm-gateway",
    });
  });

  it("leaves the rate limit off unless it is set", () => {
    expect(gatewaySchema.parse({}).rateLimitPerMinute).toBeUndefined();
  });

  it("keeps a value that is set", () => {
    expect(gatewaySchema.parse({ maxRetries: 1 }).maxRetries).toBe(1);
  });

  it("refuses a misspelt key", () => {
    expect(gatewaySchema.safeParse({ maxRetry: 1 }).error?.issues[0]?.code).toBe(
      "unrecognized_keys",
    );
  });

  it("refuses a knob over its maximum in the gateway's words", () => {
    expect(firstIssue(gatewaySchema.safeParse({ maxRetries: 11 }))).toEqual({
      path: ["maxRetries"],
      message: "must be a whole number of retries from 0 to 10",
    });
  });

  it("refuses a breaker threshold of zero", () => {
    expect(firstIssue(gatewaySchema.safeParse({ breakerThreshold: 0 }))).toEqual({
      path: ["breakerThreshold"],
      message: "must be a positive whole number of failures",
    });
  });

  it("refuses an attempt timeout longer than Supabase's wall-clock limit", () => {
    expect(gatewaySchema.safeParse({ attemptTimeoutMs: 400_001 }).success).toBe(false);
  });

  it("refuses a log level the gateway does not know", () => {
    expect(firstIssue(gatewaySchema.safeParse({ logLevel: "verbose" }))).toEqual({
      path: ["logLevel"],
      message: "must be one of debug, info, warn, error",
    });
  });

  it("refuses a relative base URL", () => {
    expect(gatewaySchema.safeParse({ openaiBaseUrl: "api.openai.com/v1" }).success).toBe(false);
  });
});

describe("platform:llm", () => {
  it("accepts routes, prices and an expensive tier that routes define", () => {
    expect(llmSchema.safeParse({ routes, prices, expensiveTiers: ["fast"] }).success).toBe(true);
  });

  it("refuses an expensive tier that routes do not define", () => {
    expect(firstIssue(llmSchema.safeParse({ routes, prices, expensiveTiers: ["smart"] }))).toEqual({
      path: ["expensiveTiers", 0],
      message: "names a tier that platform:llm.routes does not define",
    });
  });

  it("refuses a tier with no candidates, as the gateway does", () => {
    expect(llmSchema.safeParse({ routes: { fast: [] }, prices }).success).toBe(false);
  });

  it("refuses an empty tier name, as the gateway does", () => {
    expect(llmSchema.safeParse({ routes: { "": routes.fast }, prices }).success).toBe(false);
  });
});

describe("platform:budget", () => {
  it("refuses zero", () => {
    expect(firstIssue(budgetSchema.safeParse({ dailyUsd: 0 }))).toEqual({
      path: ["dailyUsd"],
      message: "must be a positive number",
    });
  });

  it("accepts a fraction of a dollar", () => {
    expect(budgetSchema.parse({ dailyUsd: 0.5 }).dailyUsd).toBe(0.5);
  });
});

describe("platform:cache (the gateway's keys)", () => {
  it("defaults to the contract's TTLs, temperature and distance threshold", () => {
    expect(gatewayCacheDefaults).toEqual({
      responseTtlSeconds: gatewayEnvironment.cacheTtlSeconds.default,
      embeddingTtlSeconds: gatewayEnvironment.embeddingCacheTtlSeconds.default,
      maxTemperature: 0.3,
      semanticDistanceThreshold: 0.12,
    });
  });

  it("refuses a TTL of zero", () => {
    expect(gatewayCacheKeys.responseTtlSeconds.safeParse(0).error?.issues[0]?.message).toBe(
      "must be a whole number of seconds from 1 to 2592000",
    );
  });

  it("refuses a response TTL over the seeds' 30 days", () => {
    expect(gatewayCacheKeys.responseTtlSeconds.safeParse(2_592_001).success).toBe(false);
  });

  it("leaves the cache version to the deployed artifact unless it is set", () => {
    expect(gatewayCacheKeys.cacheVersion.parse(undefined)).toBeUndefined();
  });
});

describe("platform:budget (hard cap and alert)", () => {
  it("defaults the alert to 80 % of the cap", () => {
    expect(budgetSchema.parse({ dailyUsd: 5 }).alertFraction).toBe(0.8);
  });

  it("refuses a hard cap below the daily cap", () => {
    expect(budgetSchema.safeParse({ dailyUsd: 5, hardCapUsd: 4 }).error?.issues[0]?.path).toEqual([
      "hardCapUsd",
    ]);
  });
});
