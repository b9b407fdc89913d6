import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, promiseOf } from "../test/pulumi";
import { EdgeCache, type EdgeCacheArgs } from "./edge-cache";

const types = {
  namespace: "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
  entry: "cloudflare:index/workersKv:WorkersKv",
  script: "cloudflare:index/workersScript:WorkersScript",
  route: "cloudflare:index/workersRoute:WorkersRoute",
  ruleset: "cloudflare:index/ruleset:Ruleset",
};
const accountId = "0123456789abcdef0123456789abcdef";
const zoneId = "fedcba9876543210fedcba9876543210";

const recorder = installRecordingMocks({ stack: "staging" });

function args(overrides: Partial<EdgeCacheArgs>): EdgeCacheArgs {
  return {
    accountId,
    workerName: "edge-cache-staging",
    kvNamespaceTitle: "definitions-staging",
    workerContent: "export default { fetch() {} };",
    definitions: { emotions: '{"id":"emotions"}', "cognitive-distortions": '{"id":"cd"}' },
    ...overrides,
  };
}

let zoned: EdgeCache;
beforeAll(async () => {
  zoned = new EdgeCache(
    "zoned",
    args({ zoneId, routePattern: "api.example.com/definitions/*", protect: true }),
  );
  new EdgeCache("zoneless", args({}));
  new EdgeCache("zone-only", args({ zoneId, definitionsEdgeTtlSeconds: 600 }));
  await recorder.settled();
});

function childrenOf(component: string, type: string) {
  return recorder.resources.filter(
    (resource) => resource.type === type && resource.name.startsWith(`${component}-`),
  );
}

describe("EdgeCache KV", () => {
  it("creates the namespace with its title in the account", () => {
    expect(recorder.named(types.namespace, "zoned-kv").inputs).toEqual({
      accountId,
      title: "definitions-staging",
    });
  });

  it("seeds one entry per definition, keyed by name", () => {
    expect(
      childrenOf("zoned", types.entry).map((entry) => [entry.name, entry.inputs["keyName"]]),
    ).toEqual([
      ["zoned-definition-cognitive-distortions", "cognitive-distortions"],
      ["zoned-definition-emotions", "emotions"],
    ]);
  });

  it("writes each definition's text into its namespace", () => {
    expect(recorder.named(types.entry, "zoned-definition-emotions").inputs).toEqual({
      accountId,
      namespaceId: "zoned-kv-id",
      keyName: "emotions",
      value: '{"id":"emotions"}',
    });
  });

  it("protects the namespace when asked", () => {
    expect(recorder.named(types.namespace, "zoned-kv").protect).toBe(true);
  });

  it("protects the entries when asked", () => {
    expect(childrenOf("zoned", types.entry).every((entry) => entry.protect)).toBe(true);
  });

  it("does not protect by default", () => {
    expect(recorder.named(types.namespace, "zoneless-kv").protect).toBe(false);
  });
});

describe("EdgeCache Worker", () => {
  it("uploads the bundle as an ES module with the KV binding named DEFINITIONS", () => {
    expect(recorder.named(types.script, "zoned-worker").inputs).toEqual({
      accountId,
      scriptName: "edge-cache-staging",
      content: "export default { fetch() {} };",
      mainModule: "worker.js",
      compatibilityDate: "2025-09-01",
      bindings: [
        { type: "kv_namespace", name: "DEFINITIONS", namespaceId: "zoned-kv-id" },
        { type: "plain_text", name: "CACHE_MAX_AGE_SECONDS", text: "3600" },
      ],
    });
  });

  it("passes the edge TTL to the Worker's Cache-Control", () => {
    expect(recorder.named(types.script, "zone-only-worker").inputs["bindings"]).toContainEqual({
      type: "plain_text",
      name: "CACHE_MAX_AGE_SECONDS",
      text: "600",
    });
  });

  it("is never protected (it holds no data)", () => {
    expect(recorder.named(types.script, "zoned-worker").protect).toBe(false);
  });

  it("is a child of the component", async () => {
    expect(recorder.named(types.script, "zoned-worker").parent).toBe(await promiseOf(zoned.urn));
  });
});

describe("EdgeCache with a zone and a route", () => {
  it("routes the pattern to the Worker", () => {
    expect(recorder.named(types.route, "zoned-route").inputs).toEqual({
      zoneId,
      pattern: "api.example.com/definitions/*",
      script: "edge-cache-staging",
    });
  });

  it("adds a zone cache-settings ruleset", () => {
    expect(recorder.named(types.ruleset, "zoned-cache-rules").inputs).toMatchObject({
      zoneId,
      kind: "zone",
      phase: "http_request_cache_settings",
    });
  });

  it("gives definitions on the route's host a one-hour edge TTL", () => {
    expect(recorder.named(types.ruleset, "zoned-cache-rules").inputs["rules"]).toEqual([
      {
        ref: "definitions_edge_ttl",
        description: "Cache definitions at the edge",
        expression:
          '(http.host eq "api.example.com" and starts_with(http.request.uri.path, "/definitions/"))',
        action: "set_cache_settings",
        actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: 3600 } },
        enabled: true,
      },
    ]);
  });

  it("exposes the route pattern", async () => {
    expect(await promiseOf(zoned.routePattern)).toBe("api.example.com/definitions/*");
  });
});

describe("EdgeCache without a zone", () => {
  it("creates no route", () => {
    expect(childrenOf("zoneless", types.route)).toEqual([]);
  });

  it("creates no ruleset", () => {
    expect(childrenOf("zoneless", types.ruleset)).toEqual([]);
  });
});

describe("EdgeCache with a zone but no route", () => {
  it("creates no route", () => {
    expect(childrenOf("zone-only", types.route)).toEqual([]);
  });

  it("still adds the cache rule, on any host, with the configured TTL", () => {
    expect(recorder.named(types.ruleset, "zone-only-cache-rules").inputs["rules"]).toMatchObject([
      {
        expression: '(starts_with(http.request.uri.path, "/definitions/"))',
        actionParameters: { edgeTtl: { default: 600 } },
      },
    ]);
  });
});
