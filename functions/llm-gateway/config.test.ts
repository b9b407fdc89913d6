import { describe, expect, it } from "vitest";
import { ConfigError, loadGatewayConfig, secretValues } from "./config.ts";

async function configError(environment: Record<string, string>): Promise<string> {
  try {
    await loadGatewayConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadGatewayConfig", () => {
  it("uses the documented defaults", async () => {
    const config = await loadGatewayConfig({});
    expect(config).toMatchObject({
      anthropicBaseUrl: "https://api.anthropic.com",
      openaiBaseUrl: "https://api.openai.com/v1",
      cacheTtlSeconds: 3600,
      embeddingCacheTtlSeconds: 604_800,
      attemptTimeoutMs: 30_000,
      requestDeadlineMs: 60_000,
      maxRetries: 3,
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 60_000,
      maxBodyBytes: 1_048_576,
      dailyCapUsd: undefined,
      rateLimitPerMinute: undefined,
      posthogHost: "https://us.i.posthog.com",
    });
    expect([...config.routing.tiers.keys()]).toEqual([
      "default",
      "fast",
      "smart",
      "t0",
      "t1",
      "t2",
      "t3",
      "embedding",
    ]);
  });

  it("accepts tiers as lists or with the expensive flag", async () => {
    const config = await loadGatewayConfig({
      LLM_ROUTES:
        '{"cheap":[{"provider":"openai","model":"m1"}],"big":{"expensive":true,"candidates":[{"provider":"anthropic","model":"m2"}]}}',
    });
    expect(config.routing.tiers.get("big")?.expensive).toBe(true);
    expect(config.routing.tierOfModel.get("m1")?.name).toBe("cheap");
  });

  it("names the LLM_ROUTES path of a bad provider", async () => {
    expect(
      await configError({ LLM_ROUTES: '{"default":[{"provider":"mistral","model":"m"}]}' }),
    ).toMatch(/^LLM_ROUTES\.default\.0\.provider: /);
  });

  it("rejects LLM_ROUTES that is not JSON", async () => {
    expect(await configError({ LLM_ROUTES: "default=gpt-4o" })).toBe(
      'LLM_ROUTES must be JSON, got "default=gpt-4o".',
    );
  });

  it("merges LLM_PRICES over the defaults", async () => {
    const config = await loadGatewayConfig({
      LLM_PRICES: '{"gpt-4o":{"inputPerMillion":1,"outputPerMillion":2}}',
    });
    expect(config.prices.get("gpt-4o")).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(config.prices.get("gpt-4o-mini")).toBeDefined();
  });

  it("names a negative price", async () => {
    expect(
      await configError({ LLM_PRICES: '{"m":{"inputPerMillion":-1,"outputPerMillion":2}}' }),
    ).toMatch(/^LLM_PRICES\.m\.inputPerMillion: /);
  });

  it("names a bad number", async () => {
    expect(await configError({ LLM_MAX_RETRIES: "three" })).toBe(
      'LLM_MAX_RETRIES must be a whole number of retries from 0 to 10, got "three".',
    );
  });

  it("names a number over its maximum", async () => {
    expect(await configError({ LLM_MAX_RETRIES: "11" })).toBe(
      'LLM_MAX_RETRIES must be a whole number of retries from 0 to 10, got "11".',
    );
  });

  it("refuses a daily cap of zero", async () => {
    expect(await configError({ LLM_DAILY_CAP_USD: "0" })).toBe(
      'LLM_DAILY_CAP_USD must be a positive number, got "0".',
    );
  });

  it("names a LOG_LEVEL outside the list", async () => {
    expect(await configError({ LOG_LEVEL: "verbose" })).toBe(
      'LOG_LEVEL must be one of debug, info, warn, error, got "verbose".',
    );
  });

  it("names a base URL that is not absolute", async () => {
    expect(await configError({ OPENAI_BASE_URL: "api.openai.com" })).toBe(
      'OPENAI_BASE_URL must be an absolute URL, got "api.openai.com".',
    );
  });

  it("accepts a fractional daily cap", async () => {
    expect((await loadGatewayConfig({ LLM_DAILY_CAP_USD: "2.5" })).dailyCapUsd).toBe(2.5);
  });

  it("splits GATEWAY_API_KEYS and drops blanks", async () => {
    expect((await loadGatewayConfig({ GATEWAY_API_KEYS: " a-key-1 , ,b-key-2" })).apiKeys).toEqual([
      "a-key-1",
      "b-key-2",
    ]);
  });

  it("strips trailing slashes from base URLs", async () => {
    expect(
      (await loadGatewayConfig({ OPENAI_BASE_URL: "http://127.0.0.1:4010/v1/" })).openaiBaseUrl,
    ).toBe("http://127.0.0.1:4010/v1");
  });

  it("lists the secrets the redactor must know", async () => {
    const config = await loadGatewayConfig({
      OPENAI_API_KEY: "sk-o",
      UPSTASH_REDIS_REST_TOKEN: "tok",
      GATEWAY_API_KEYS: "k1",
    });
    expect(secretValues(config)).toEqual(["sk-o", "tok", "k1"]);
  });
});
