import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, promiseOf } from "../test/pulumi";
import { definitionDigests, edgeCacheVersion } from "../functions/edge-cache/edge-cache-version";
import { EdgeCache, type EdgeCacheArgs } from "./edge-cache";

const types = {
  namespace: "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
  entry: "cloudflare:index/workersKv:WorkersKv",
  script: "cloudflare:index/workersScript:WorkersScript",
  route: "cloudflare:index/workersRoute:WorkersRoute",
};
const rulesetType = "cloudflare:index/ruleset:Ruleset";
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
const scriptDependsOn: unknown[] = [];
beforeAll(async () => {
  zoned = new EdgeCache(
    "zoned",
    args({ zoneId, routePattern: "api.example.com/definitions/*", protect: true }),
  );
  new EdgeCache("zoneless", args({}));
  new EdgeCache("zone-only", args({ zoneId, definitionsEdgeTtlSeconds: 600 }));
  new EdgeCache("same-content", args({}));
  new EdgeCache(
    "changed-definition",
    args({
      definitions: { emotions: '{"id":"emotions","v":2}', "cognitive-distortions": '{"id":"cd"}' },
    }),
  );
  new EdgeCache("changed-worker", args({ workerContent: "export default { fetch() { } };" }));
  new EdgeCache("changed-ttl", args({ definitionsEdgeTtlSeconds: 60 }));
  new EdgeCache("kv-ttl", args({ definitionsKvCacheTtlSeconds: 300 }));
  new EdgeCache("ordered", args({}), {
    // Resource options are not part of a mock registration: read them where Pulumi applies them.
    transformations: [
      (resource) => {
        if (resource.type === types.script) {
          scriptDependsOn.push(...[resource.opts.dependsOn ?? []].flat());
        }
        return undefined;
      },
    ],
  });
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

function binding(component: string, bindingName: string): Record<string, unknown> | undefined {
  const bindings = recorder.named(types.script, `${component}-worker`).inputs["bindings"] as
    Record<string, unknown>[] | undefined;
  return bindings?.find((entry) => entry["name"] === bindingName);
}

function versionOf(component: string): unknown {
  return binding(component, "DEFINITIONS_VERSION")?.["text"];
}

describe("EdgeCache Worker", () => {
  it("uploads the bundle as an ES module", () => {
    expect(recorder.named(types.script, "zoned-worker").inputs).toMatchObject({
      accountId,
      scriptName: "edge-cache-staging",
      content: "export default { fetch() {} };",
      mainModule: "worker.js",
      compatibilityDate: "2025-09-01",
    });
  });

  it("binds the KV namespace as DEFINITIONS", () => {
    expect(binding("zoned", "DEFINITIONS")).toEqual({
      type: "kv_namespace",
      name: "DEFINITIONS",
      namespaceId: "zoned-kv-id",
    });
  });

  it("binds exactly the vars the Worker reads", () => {
    const bindings = recorder.named(types.script, "zoned-worker").inputs["bindings"] as {
      name: string;
    }[];
    expect(bindings.map((entry) => entry.name)).toEqual([
      "DEFINITIONS",
      "CACHE_MAX_AGE_SECONDS",
      "EDGE_CACHE_TTL_SECONDS",
      "KV_CACHE_TTL_SECONDS",
      "DEFINITIONS_VERSION",
      "DEFINITION_DIGESTS",
    ]);
  });

  it("passes a one-hour edge TTL by default", () => {
    expect(binding("zoned", "EDGE_CACHE_TTL_SECONDS")).toEqual({
      type: "plain_text",
      name: "EDGE_CACHE_TTL_SECONDS",
      text: "3600",
    });
  });

  it("passes the configured edge TTL to the Worker's edge cache", () => {
    expect(binding("zone-only", "EDGE_CACHE_TTL_SECONDS")?.["text"]).toBe("600");
  });

  it("passes the configured edge TTL to the Worker's Cache-Control max-age", () => {
    expect(binding("zone-only", "CACHE_MAX_AGE_SECONDS")?.["text"]).toBe("600");
  });

  it("reads KV with Cloudflare's minimum cacheTtl of 60 by default", () => {
    expect(binding("zoned", "KV_CACHE_TTL_SECONDS")?.["text"]).toBe("60");
  });

  it("passes the configured KV cacheTtl", () => {
    expect(binding("kv-ttl", "KV_CACHE_TTL_SECONDS")?.["text"]).toBe("300");
  });

  it("binds each definition's SHA-256 as JSON", () => {
    expect(binding("zoned", "DEFINITION_DIGESTS")).toEqual({
      type: "json",
      name: "DEFINITION_DIGESTS",
      json: JSON.stringify(definitionDigests(args({}).definitions as Record<string, string>)),
    });
  });

  it("binds the version computed from the bundle, the digests and the TTLs", () => {
    expect(versionOf("zoned")).toBe(
      edgeCacheVersion({
        workerContent: "export default { fetch() {} };",
        definitionDigests: definitionDigests(args({}).definitions as Record<string, string>),
        settings: {
          CACHE_MAX_AGE_SECONDS: "3600",
          EDGE_CACHE_TTL_SECONDS: "3600",
          KV_CACHE_TTL_SECONDS: "60",
          compatibilityDate: "2025-09-01",
        },
      }),
    );
  });

  it("keeps the version when nothing changes", () => {
    expect(versionOf("same-content")).toBe(versionOf("zoneless"));
  });

  it("changes the version when a definition changes", () => {
    expect(versionOf("changed-definition")).not.toBe(versionOf("zoneless"));
  });

  it("changes the version when the Worker bundle changes", () => {
    expect(versionOf("changed-worker")).not.toBe(versionOf("zoneless"));
  });

  it("changes the version when the edge TTL changes", () => {
    expect(versionOf("changed-ttl")).not.toBe(versionOf("zoneless"));
  });

  it("exposes the version", async () => {
    expect(await promiseOf(zoned.definitionsVersion)).toBe(versionOf("zoned"));
  });

  it("uploads the Worker only after every KV entry is written", async () => {
    const dependencyNames = await Promise.all(
      scriptDependsOn.map((resource) => promiseOf((resource as pulumi.Resource).urn)),
    );
    expect(dependencyNames.map((urn) => urn.split("::").pop()).sort()).toEqual([
      "ordered-definition-cognitive-distortions",
      "ordered-definition-emotions",
    ]);
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

  it("creates no zone ruleset (a cache rule never applies to the Worker's own responses)", () => {
    expect(recorder.resources.filter((resource) => resource.type === rulesetType)).toEqual([]);
  });

  it("exposes the route pattern", async () => {
    expect(await promiseOf(zoned.routePattern)).toBe("api.example.com/definitions/*");
  });
});

describe("EdgeCache without a zone", () => {
  it("creates no route", () => {
    expect(childrenOf("zoneless", types.route)).toEqual([]);
  });
});

describe("EdgeCache with a zone but no route", () => {
  it("creates no route", () => {
    expect(childrenOf("zone-only", types.route)).toEqual([]);
  });
});
