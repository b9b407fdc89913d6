import { describe, expect, it } from "vitest";
import { loadJobWorkerConfig } from "./config.ts";
import { jobWorkerEnvironment } from "./environment.ts";

const minimal = {
  DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:5432/postgres",
  JOB_WORKER_GATEWAY_URL: "http://127.0.0.1:8000/",
  GATEWAY_API_KEYS: "gw_one, gw_two",
};

describe("loadJobWorkerConfig", () => {
  it("takes every default from the contract", () => {
    const config = loadJobWorkerConfig(minimal);

    expect(config).toMatchObject({
      maxAttempts: jobWorkerEnvironment.maxAttempts.default,
      leaseMs: jobWorkerEnvironment.leaseMs.default,
      timeBudgetMs: jobWorkerEnvironment.timeBudgetMs.default,
      gatewayUrl: "http://127.0.0.1:8000",
      apiKeys: ["gw_one", "gw_two"],
    });
  });

  it("reads the wake-up's own token from JOB_WORKER_TOKEN", () => {
    const config = loadJobWorkerConfig({ ...minimal, JOB_WORKER_TOKEN: " wake_token_0123 " });

    expect(config.wakeUpToken).toBe("wake_token_0123");
  });

  it("has no wake-up token when JOB_WORKER_TOKEN is unset", () => {
    expect(loadJobWorkerConfig(minimal).wakeUpToken).toBeUndefined();
  });

  it("derives the gateway's URL from SUPABASE_URL on Supabase", () => {
    const { JOB_WORKER_GATEWAY_URL: _unset, ...onSupabase } = minimal;

    const config = loadJobWorkerConfig({ ...onSupabase, SUPABASE_URL: "https://abc.supabase.co" });

    expect(config.gatewayUrl).toBe("https://abc.supabase.co/functions/v1/llm-gateway");
  });

  it("falls back to SUPABASE_DB_URL for the database", () => {
    const { DATABASE_URL: _unset, ...onSupabase } = minimal;

    const config = loadJobWorkerConfig({
      ...onSupabase,
      SUPABASE_DB_URL: "postgres://db/postgres",
    });

    expect(config.databaseUrl).toBe("postgres://db/postgres");
  });

  it("reads the webhook signing secrets by name", () => {
    const config = loadJobWorkerConfig({
      ...minimal,
      JOB_WEBHOOK_SECRETS: JSON.stringify({ default: "whsec_0123456789abcdef" }),
    });

    expect(config.webhookSecrets.get("default")).toBe("whsec_0123456789abcdef");
  });

  it("reads the gateway's store, where it adds its metrics", () => {
    const config = loadJobWorkerConfig({
      ...minimal,
      UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io/",
      UPSTASH_REDIS_REST_TOKEN: "upstash-token",
    });

    expect(config.store).toEqual({
      upstashUrl: "https://eu1-example.upstash.io",
      upstashToken: "upstash-token",
    });
  });

  it("reads the metrics token of GET /metrics", () => {
    expect(
      loadJobWorkerConfig({ ...minimal, GATEWAY_METRICS_TOKEN: "metrics-token" }).metricsToken,
    ).toBe("metrics-token");
  });

  it("names the variable, the expectation and the value of a bad number", () => {
    expect(() => loadJobWorkerConfig({ ...minimal, JOB_MAX_ATTEMPTS: "0" })).toThrow(
      'JOB_MAX_ATTEMPTS must be a whole number of attempts from 1 to 100, got "0"',
    );
  });

  it("never echoes a secret's value", () => {
    expect(() => loadJobWorkerConfig({ ...minimal, JOB_WEBHOOK_SECRETS: "{not json" })).toThrow(
      /^invalid job worker environment: JOB_WEBHOOK_SECRETS must be JSON$/,
    );
  });

  it("refuses a lease no longer than the step timeout", () => {
    expect(() =>
      loadJobWorkerConfig({ ...minimal, JOB_LEASE_MS: "60000", JOB_STEP_TIMEOUT_MS: "60000" }),
    ).toThrow("JOB_LEASE_MS (60000) must be longer than JOB_STEP_TIMEOUT_MS (60000)");
  });

  it("reports a missing database", () => {
    const { DATABASE_URL: _unset, ...without } = minimal;

    expect(() => loadJobWorkerConfig(without)).toThrow(
      "DATABASE_URL or SUPABASE_DB_URL must be set",
    );
  });
});
