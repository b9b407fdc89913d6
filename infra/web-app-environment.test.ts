import { describe, expect, it } from "vitest";
import { browserVariablePrefix, webAppVariables, type WebAppValues } from "./web-app-environment";

const values: WebAppValues = {
  redisRestUrl: "https://db.upstash.io",
  redisRestToken: "token",
  gatewayUrl: "https://ref.supabase.co/functions/v1/llm-gateway",
  posthogKey: "phc_key",
  posthogHost: "https://us.i.posthog.com",
};

describe("browserVariablePrefix", () => {
  it("is NEXT_PUBLIC_ for Next.js", () => {
    expect(browserVariablePrefix("nextjs")).toBe("NEXT_PUBLIC_");
  });

  it("is empty for a framework without one", () => {
    expect(browserVariablePrefix("hugo")).toBe("");
  });
});

describe("webAppVariables", () => {
  it("sets the Redis, gateway and PostHog variables", () => {
    expect(webAppVariables("nextjs", values).map((variable) => variable.key)).toEqual([
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "LLM_GATEWAY_URL",
      "NEXT_PUBLIC_POSTHOG_KEY",
      "NEXT_PUBLIC_POSTHOG_HOST",
    ]);
  });

  it("marks exactly the Redis variables sensitive", () => {
    expect(
      webAppVariables("nextjs", values)
        .filter((variable) => variable.sensitive)
        .map((variable) => variable.key),
    ).toEqual(["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]);
  });

  it("passes each value through", () => {
    expect(webAppVariables("vite", values).find((v) => v.key === "VITE_POSTHOG_KEY")?.value).toBe(
      "phc_key",
    );
  });
});
