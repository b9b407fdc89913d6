import { describe, expect, it } from "vitest";
import type { EdgeCacheEnvironment } from "./worker-environment";
import { parseWorkerSettings } from "./worker-settings";

const kv: EdgeCacheEnvironment["DEFINITIONS"] = { get: async () => null };
const digest = "a".repeat(64);

function parse(overrides: Partial<EdgeCacheEnvironment>) {
  return parseWorkerSettings({ DEFINITIONS: kv, ...overrides });
}

describe("parseWorkerSettings", () => {
  it("defaults to one hour at the browser and the edge, 60 s in KV, no version, no digests", () => {
    expect(parse({})).toEqual({
      ok: true,
      settings: {
        browserMaxAgeSeconds: 3600,
        edgeTtlSeconds: 3600,
        kvCacheTtlSeconds: 60,
        version: undefined,
        definitionDigests: undefined,
      },
    });
  });

  it("accepts numbers from JSON vars", () => {
    expect(parse({ EDGE_CACHE_TTL_SECONDS: 120 })).toMatchObject({
      settings: { edgeTtlSeconds: 120 },
    });
  });

  it("reads the digests from a JSON binding", () => {
    const result = parse({ DEFINITION_DIGESTS: { emotions: digest } });
    expect(result.ok && result.settings.definitionDigests?.get("emotions")).toBe(digest);
  });

  it("reads the digests from JSON text", () => {
    const result = parse({ DEFINITION_DIGESTS: JSON.stringify({ emotions: digest }) });
    expect(result.ok && result.settings.definitionDigests?.get("emotions")).toBe(digest);
  });

  it("refuses a digest that is not SHA-256 hex", () => {
    expect(parse({ DEFINITION_DIGESTS: { emotions: "abc" } })).toEqual({
      ok: false,
      message:
        "Worker var DEFINITION_DIGESTS must be a JSON object of definition name -> SHA-256 hex digest.",
    });
  });

  it("refuses a version that cannot go into a URL unescaped", () => {
    expect(parse({ DEFINITIONS_VERSION: "a b" })).toEqual({
      ok: false,
      message:
        'Worker var DEFINITIONS_VERSION must be 1-128 characters of A-Z, a-z, 0-9, ".", "_" or "-", got "a b".',
    });
  });

  it("treats an empty version as none", () => {
    expect(parse({ DEFINITIONS_VERSION: "" })).toMatchObject({ settings: { version: undefined } });
  });

  it("accepts a KV cacheTtl of exactly 60", () => {
    expect(parse({ KV_CACHE_TTL_SECONDS: "60" })).toMatchObject({
      settings: { kvCacheTtlSeconds: 60 },
    });
  });
});
