import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, promiseOf } from "../test/pulumi";
import { WebApp, type WebAppArgs } from "./web-app";

const types = {
  project: "vercel:index/project:Project",
  variable: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
};

const recorder = installRecordingMocks({ stack: "staging" });

function args(overrides: Partial<WebAppArgs>): WebAppArgs {
  return {
    teamId: "team_example",
    projectName: "ai-platform-web-staging",
    framework: "nextjs",
    rootDirectory: "apps/web",
    environmentTargets: ["preview"],
    redisRestUrl: pulumi.secret("https://db.upstash.io"),
    redisRestToken: pulumi.secret("redis-token"),
    gatewayUrl: "https://ref.supabase.co/functions/v1/llm-gateway",
    posthogKey: "phc_key",
    posthogHost: "https://us.i.posthog.com",
    ...overrides,
  };
}

let staging: WebApp;
beforeAll(async () => {
  staging = new WebApp("staging-web", args({ gitRepository: "example-org/ai-platform" }));
  new WebApp(
    "production-web",
    args({ projectName: "ai-platform-web", environmentTargets: ["production"], protect: true }),
  );
  await recorder.settled();
});

function variable(component: string, key: string) {
  const match = recorder.resources.find(
    (resource) =>
      resource.type === types.variable &&
      resource.name.startsWith(`${component}-`) &&
      resource.inputs["key"] === key,
  );
  if (match === undefined) {
    throw new Error(`${component} has no variable ${key}`);
  }
  return match;
}

describe("WebApp project", () => {
  it("creates the project with framework, root directory and repository", () => {
    expect(recorder.named(types.project, "staging-web-project").inputs).toEqual({
      name: "ai-platform-web-staging",
      teamId: "team_example",
      framework: "nextjs",
      rootDirectory: "apps/web",
      gitRepository: { type: "github", repo: "example-org/ai-platform" },
    });
  });

  it("leaves the repository unconnected when none is configured", () => {
    expect(recorder.named(types.project, "production-web-project").inputs).not.toHaveProperty(
      "gitRepository",
    );
  });

  it("is not protected in staging", () => {
    expect(recorder.named(types.project, "staging-web-project").protect).toBe(false);
  });

  it("is protected in production", () => {
    expect(recorder.named(types.project, "production-web-project").protect).toBe(true);
  });

  it("is a child of the component", async () => {
    expect(recorder.named(types.project, "staging-web-project").parent).toBe(
      await promiseOf(staging.urn),
    );
  });
});

describe("WebApp environment variables", () => {
  it("sets one variable per key on the project", () => {
    expect(
      recorder.resources
        .filter((resource) => resource.type === types.variable)
        .filter((resource) => resource.name.startsWith("staging-web-"))
        .map((resource) => resource.name)
        .sort(),
    ).toEqual([
      "staging-web-env-llm-gateway-url",
      "staging-web-env-next-public-posthog-host",
      "staging-web-env-next-public-posthog-key",
      "staging-web-env-upstash-redis-rest-token",
      "staging-web-env-upstash-redis-rest-url",
    ]);
  });

  it("wires the Redis token as a sensitive secret for the stack's targets", () => {
    expect(variable("staging-web", "UPSTASH_REDIS_REST_TOKEN").inputs).toEqual({
      projectId: "staging-web-project-id",
      teamId: "team_example",
      key: "UPSTASH_REDIS_REST_TOKEN",
      value: "redis-token",
      sensitive: true,
      targets: ["preview"],
      comment: "Upstash Redis REST token (CacheStore)",
    });
  });

  it.each(["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"])(
    "receives %s as a Pulumi secret",
    (key) => {
      expect(variable("staging-web", key).secretInputs).toContain("value");
    },
  );

  it("wires the gateway URL, not sensitive", () => {
    expect(variable("staging-web", "LLM_GATEWAY_URL").inputs).toMatchObject({
      value: "https://ref.supabase.co/functions/v1/llm-gateway",
      sensitive: false,
    });
  });

  it("exposes the PostHog key to the browser under the framework's prefix", () => {
    expect(variable("staging-web", "NEXT_PUBLIC_POSTHOG_KEY").inputs["value"]).toBe("phc_key");
  });

  it("targets production from the production stack", () => {
    expect(variable("production-web", "LLM_GATEWAY_URL").inputs["targets"]).toEqual(["production"]);
  });

  it("lists the variable keys", () => {
    expect(staging.variableKeys).toContain("UPSTASH_REDIS_REST_URL");
  });
});
