import { describe, expect, it } from "vitest";
import { childName, toKebabCase } from "./names";

describe("childName", () => {
  it("prefixes the component's name", () => {
    expect(childName("edge", "kv")).toBe("edge-kv");
  });

  it("joins several parts", () => {
    expect(childName("web", "env", "POSTHOG_KEY")).toBe("web-env-posthog-key");
  });
});

describe("toKebabCase", () => {
  it("lower-cases screaming snake case", () => {
    expect(toKebabCase("UPSTASH_REDIS_REST_URL")).toBe("upstash-redis-rest-url");
  });

  it("splits camel case", () => {
    expect(toKebabCase("kvNamespace")).toBe("kv-namespace");
  });

  it("keeps kebab case", () => {
    expect(toKebabCase("cognitive-distortions")).toBe("cognitive-distortions");
  });

  it("drops characters names cannot hold", () => {
    expect(toKebabCase("a.b c")).toBe("a-b-c");
  });
});
