import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../test/support/wait-until";
import type { LocalEdgeCache } from "./local-edge-cache";
import { startLocalEdgeCache } from "./local-edge-cache";

// Each test owns its definition names, because tests delete KV entries to prove a response came
// from the edge cache.
const names = [
  "miss-status",
  "stored",
  "without-kv",
  "hit-status",
  "hit-cache-control",
  "hit-etag",
  "hit-not-modified",
  "hit-head",
  "query-string",
  "out-of-band-status",
  "out-of-band-cache-control",
] as const;
type Name = (typeof names)[number];

function json(name: string, revision = 1): string {
  return `{"id":"${name}","revision":${revision}}\n`;
}

function etagOf(text: string): string {
  return `"${createHash("sha256").update(text).digest("hex")}"`;
}

/** GETs `name` once, then waits until the Worker's `waitUntil` has stored it at the edge. */
async function storeAtEdge(edgeCache: LocalEdgeCache, name: string): Promise<void> {
  const response = await fetch(`${edgeCache.url}/definitions/${name}`);
  await response.arrayBuffer();
  await waitUntil(async () => (await edgeCache.edgeCacheEntry(name)) !== undefined, {
    description: `the edge-cache entry of "${name}"`,
  });
}

describe("edge-cache Worker edge cache (Cache API) under miniflare", () => {
  let edgeCache: LocalEdgeCache;
  const get = (name: Name, init?: RequestInit, query = "") =>
    fetch(`${edgeCache.url}/definitions/${name}${query}`, init);

  /** Stores `name` at the edge, then removes it from KV: only the edge cache can answer now. */
  async function onlyAtEdge(name: Name): Promise<void> {
    await storeAtEdge(edgeCache, name);
    await edgeCache.deleteDefinition(name);
  }

  beforeAll(async () => {
    edgeCache = await startLocalEdgeCache({
      definitions: Object.fromEntries(names.map((name) => [name, json(name)])),
    });
  });

  afterAll(async () => {
    await edgeCache?.close();
  });

  it("answers a first request from KV and marks it X-Edge-Cache: MISS", async () => {
    const response = await get("miss-status");
    expect([response.headers.get("x-edge-cache"), await response.text()]).toEqual([
      "MISS",
      json("miss-status"),
    ]);
  });

  it("stores the first response in the edge cache with s-maxage", async () => {
    await storeAtEdge(edgeCache, "stored");
    const entry = await edgeCache.edgeCacheEntry("stored");
    expect(entry?.headers.get("cache-control")).toBe("public, max-age=3600, s-maxage=3600");
  });

  it("serves a second request from the edge cache without reading KV", async () => {
    await onlyAtEdge("without-kv");
    const response = await get("without-kv");
    expect([response.status, await response.text()]).toEqual([200, json("without-kv")]);
  });

  it("marks a response from the edge cache X-Edge-Cache: HIT", async () => {
    await onlyAtEdge("hit-status");
    const response = await get("hit-status");
    expect(response.headers.get("x-edge-cache")).toBe("HIT");
  });

  it("sends browsers only max-age on a hit, not the edge copy's s-maxage", async () => {
    await onlyAtEdge("hit-cache-control");
    const response = await get("hit-cache-control");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
  });

  it("sends the content's ETag on a hit", async () => {
    await onlyAtEdge("hit-etag");
    const response = await get("hit-etag");
    expect(response.headers.get("etag")).toBe(etagOf(json("hit-etag")));
  });

  it("answers 304 from the edge cache when If-None-Match matches", async () => {
    await onlyAtEdge("hit-not-modified");
    const response = await get("hit-not-modified", {
      headers: { "If-None-Match": etagOf(json("hit-not-modified")) },
    });
    expect([response.status, response.headers.get("x-edge-cache"), await response.text()]).toEqual([
      304,
      "HIT",
      "",
    ]);
  });

  it("answers HEAD from the edge cache with no body", async () => {
    await onlyAtEdge("hit-head");
    const response = await get("hit-head", { method: "HEAD" });
    expect([response.status, response.headers.get("x-edge-cache"), await response.text()]).toEqual([
      200,
      "HIT",
      "",
    ]);
  });

  it("ignores the query string, so ?anything cannot bypass or flood the edge cache", async () => {
    await onlyAtEdge("query-string");
    const response = await get("query-string", undefined, "?cache-buster=1");
    expect([response.status, response.headers.get("x-edge-cache")]).toEqual([200, "HIT"]);
  });

  it("does not store bytes that differ from the deployed digest (X-Edge-Cache: BYPASS)", async () => {
    await edgeCache.putDefinition("out-of-band-status", json("out-of-band-status", 2));
    const response = await get("out-of-band-status");
    expect([response.headers.get("x-edge-cache"), await response.text()]).toEqual([
      "BYPASS",
      json("out-of-band-status", 2),
    ]);
  });

  it("makes clients revalidate bytes that differ from the deployed digest", async () => {
    await edgeCache.putDefinition(
      "out-of-band-cache-control",
      json("out-of-band-cache-control", 2),
    );
    const response = await get("out-of-band-cache-control");
    expect(response.headers.get("cache-control")).toBe("no-cache");
  });
});

describe("edge-cache Worker edge cache across deploys", () => {
  let edgeCache: LocalEdgeCache;
  const definitionUrl = () => `${edgeCache.url}/definitions/changing`;

  beforeAll(async () => {
    edgeCache = await startLocalEdgeCache({ definitions: { changing: json("changing", 1) } });
  });

  afterAll(async () => {
    await edgeCache?.close();
  });

  it("keeps serving its edge entry after a redeploy that changes nothing", async () => {
    await storeAtEdge(edgeCache, "changing");
    const versionBefore = edgeCache.version;
    await edgeCache.redeploy({ changing: json("changing", 1) });
    await edgeCache.deleteDefinition("changing");
    const response = await fetch(definitionUrl());
    expect([edgeCache.version, response.status, await response.text()]).toEqual([
      versionBefore,
      200,
      json("changing", 1),
    ]);
  });

  it("does not serve the previous version's entry after a redeploy that changes the content", async () => {
    await edgeCache.redeploy({ changing: json("changing", 1) });
    await storeAtEdge(edgeCache, "changing");
    await edgeCache.redeploy({ changing: json("changing", 2) });
    const response = await fetch(definitionUrl());
    expect(await response.text()).toBe(json("changing", 2));
  });

  it("sends the new content's ETag after a redeploy", async () => {
    await edgeCache.redeploy({ changing: json("changing", 3) });
    await storeAtEdge(edgeCache, "changing");
    await edgeCache.redeploy({ changing: json("changing", 4) });
    const response = await fetch(definitionUrl());
    expect(response.headers.get("etag")).toBe(etagOf(json("changing", 4)));
  });
});

describe("edge-cache Worker edge TTL var", () => {
  let edgeCache: LocalEdgeCache;

  beforeAll(async () => {
    edgeCache = await startLocalEdgeCache({
      definitions: { sample: json("sample") },
      cacheMaxAgeSeconds: "60",
      edgeCacheTtlSeconds: "120",
    });
  });

  afterAll(async () => {
    await edgeCache?.close();
  });

  it("stores the edge copy with s-maxage from EDGE_CACHE_TTL_SECONDS", async () => {
    await storeAtEdge(edgeCache, "sample");
    const entry = await edgeCache.edgeCacheEntry("sample");
    expect(entry?.headers.get("cache-control")).toBe("public, max-age=60, s-maxage=120");
  });
});
