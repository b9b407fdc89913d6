import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFINITIONS_DIRECTORY } from "./definitions";
import type { LocalEdgeCache, LocalEdgeCacheOptions } from "./local-edge-cache";
import { startLocalEdgeCache } from "./local-edge-cache";

const sampleJson = '{"id":"sample","items":[{"id":"one","name":"One"}]}\n';

function sha256Etag(text: string): string {
  return `"${createHash("sha256").update(text).digest("hex")}"`;
}

/** The error JSON every non-2xx answer carries. */
interface ErrorBody {
  error: { message: string; type: string; code: number };
}

async function errorBody(response: Response): Promise<ErrorBody> {
  return (await response.json()) as ErrorBody;
}

describe("edge-cache Worker under miniflare", () => {
  let edgeCache: LocalEdgeCache;

  beforeAll(async () => {
    edgeCache = await startLocalEdgeCache({ definitions: { sample: sampleJson } });
  });

  afterAll(async () => {
    await edgeCache?.close();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${edgeCache.url}${path}`, init);

  it("returns the stored JSON with status 200 and Content-Type application/json", async () => {
    const response = await get("/definitions/sample");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(sampleJson);
  });

  it("sends Cache-Control public, max-age=3600 by default", async () => {
    const response = await get("/definitions/sample");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
  });

  it("sends a strong ETag that is the SHA-256 of the stored bytes", async () => {
    const response = await get("/definitions/sample");
    expect(response.headers.get("etag")).toBe(sha256Etag(sampleJson));
  });

  it("sends the same ETag on every request for unchanged content", async () => {
    const first = await get("/definitions/sample");
    const second = await get("/definitions/sample");
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
  });

  it("answers 304 without a body when If-None-Match matches the ETag", async () => {
    const response = await get("/definitions/sample", {
      headers: { "If-None-Match": sha256Etag(sampleJson) },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(sha256Etag(sampleJson));
    expect(await response.text()).toBe("");
  });

  it("answers 304 when a weak form of the ETag appears in an If-None-Match list", async () => {
    const response = await get("/definitions/sample", {
      headers: { "If-None-Match": `"other", W/${sha256Etag(sampleJson)}` },
    });
    expect(response.status).toBe(304);
  });

  it("answers 200 with the body when If-None-Match does not match", async () => {
    const response = await get("/definitions/sample", { headers: { "If-None-Match": '"stale"' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(sampleJson);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const response = await get("/definitions/sample", { method: "HEAD" });
    expect({
      status: response.status,
      contentType: response.headers.get("content-type"),
      cacheControl: response.headers.get("cache-control"),
      etag: response.headers.get("etag"),
      body: await response.text(),
    }).toEqual({
      status: 200,
      contentType: "application/json",
      cacheControl: "public, max-age=3600",
      etag: sha256Etag(sampleJson),
      body: "",
    });
  });

  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])(
    "answers %s with 405 and Allow: GET, HEAD",
    async (method) => {
      const response = await get("/definitions/sample", { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      expect((await errorBody(response)).error.type).toBe("method_not_allowed");
    },
  );

  it("answers 404 JSON for a definition that does not exist", async () => {
    const response = await get("/definitions/missing");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      error: { message: 'Definition "missing" does not exist.', type: "not_found", code: 404 },
    });
  });

  it("does not let the CDN cache a 404", async () => {
    const response = await get("/definitions/missing");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 404 JSON for a path outside /definitions/", async () => {
    const response = await get("/admin");
    expect(response.status).toBe(404);
    expect((await errorBody(response)).error.message).toBe("No route for /admin.");
  });

  it("answers 404 for a definition name that is not a valid key", async () => {
    const response = await get("/definitions/a%2Fb");
    expect(response.status).toBe(404);
  });

  it("answers HEAD for a missing definition with 404 and no body", async () => {
    const response = await get("/definitions/missing", { method: "HEAD" });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
  });

  it("answers 404 JSON naming the limit for a name over 512 bytes, without reading KV", async () => {
    // KV itself throws on such a key, so a 404 with this message shows KV was not called.
    const response = await get(`/definitions/${"a".repeat(513)}`);
    expect([response.status, await response.json()]).toEqual([
      404,
      {
        error: {
          message: "Definition names are at most 512 bytes (UTF-8), got 513.",
          type: "not_found",
          code: 404,
        },
      },
    ]);
  });

  it("counts the name's UTF-8 bytes, not its characters", async () => {
    const response = await get(`/definitions/${encodeURIComponent("é".repeat(257))}`);
    expect((await errorBody(response)).error.message).toBe(
      "Definition names are at most 512 bytes (UTF-8), got 514.",
    );
  });

  it.each([
    ["a POST", "/definitions/sample", "POST"],
    ["a missing definition", "/definitions/missing", "GET"],
    ["a path outside /definitions/", "/admin", "GET"],
    ["an invalid name", "/definitions/a%2Fb", "GET"],
    ["a name over 512 bytes", `/definitions/${"a".repeat(600)}`, "GET"],
  ])("answers %s with a JSON error that nothing may store", async (_label, path, method) => {
    const response = await get(path, { method });
    const body = await errorBody(response);
    expect({
      contentType: response.headers.get("content-type"),
      cacheControl: response.headers.get("cache-control"),
      hasType: typeof body.error.type,
      code: body.error.code,
    }).toEqual({
      contentType: "application/json",
      cacheControl: "no-store",
      hasType: "string",
      code: response.status,
    });
  });
});

describe("edge-cache Worker vars", () => {
  const started: LocalEdgeCache[] = [];

  afterAll(async () => {
    await Promise.all(started.map((edgeCache) => edgeCache.close()));
  });

  async function startWith(options: LocalEdgeCacheOptions): Promise<LocalEdgeCache> {
    const edgeCache = await startLocalEdgeCache({
      definitions: { sample: sampleJson },
      ...options,
    });
    started.push(edgeCache);
    return edgeCache;
  }

  async function sample(edgeCache: LocalEdgeCache): Promise<Response> {
    return fetch(`${edgeCache.url}/definitions/sample`);
  }

  it("sets max-age from CACHE_MAX_AGE_SECONDS", async () => {
    const response = await sample(await startWith({ cacheMaxAgeSeconds: "60" }));
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("answers 500 naming CACHE_MAX_AGE_SECONDS when it is not a whole number", async () => {
    const response = await sample(await startWith({ cacheMaxAgeSeconds: "1h" }));
    expect([response.status, (await errorBody(response)).error.message]).toEqual([
      500,
      'Worker var CACHE_MAX_AGE_SECONDS must be a whole number of seconds, got "1h".',
    ]);
  });

  it("answers 500 naming EDGE_CACHE_TTL_SECONDS when it is not a whole number", async () => {
    const response = await sample(await startWith({ edgeCacheTtlSeconds: "-1" }));
    expect([response.status, (await errorBody(response)).error.message]).toEqual([
      500,
      'Worker var EDGE_CACHE_TTL_SECONDS must be a whole number of seconds, got "-1".',
    ]);
  });

  it("answers 500 naming KV_CACHE_TTL_SECONDS when it is below Cloudflare's minimum of 60", async () => {
    const response = await sample(await startWith({ kvCacheTtlSeconds: "59" }));
    expect([response.status, (await errorBody(response)).error.message]).toEqual([
      500,
      'Worker var KV_CACHE_TTL_SECONDS must be a whole number of seconds, at least 60 (Cloudflare\'s minimum KV cacheTtl), got "59".',
    ]);
  });

  it("sends configuration errors as JSON with Cache-Control: no-store", async () => {
    const response = await sample(await startWith({ kvCacheTtlSeconds: "10" }));
    expect([response.headers.get("content-type"), response.headers.get("cache-control")]).toEqual([
      "application/json",
      "no-store",
    ]);
  });

  it("does not use the edge cache when EDGE_CACHE_TTL_SECONDS is 0", async () => {
    const response = await sample(await startWith({ edgeCacheTtlSeconds: "0" }));
    expect(response.headers.get("x-edge-cache")).toBe("BYPASS");
  });
});

describe("edge-cache Worker seeded from templates/definitions", () => {
  let edgeCache: LocalEdgeCache;
  const templateNames = readdirSync(DEFINITIONS_DIRECTORY)
    .filter((fileName) => fileName.endsWith(".json"))
    .map((fileName) => fileName.slice(0, -".json".length));

  beforeAll(async () => {
    edgeCache = await startLocalEdgeCache();
  });

  afterAll(async () => {
    await edgeCache?.close();
  });

  it("has at least one template to serve", () => {
    expect(templateNames).toContain("cognitive-distortions");
  });

  it.each(templateNames)("serves %s byte for byte as the template file", async (name) => {
    const response = await fetch(`${edgeCache.url}/definitions/${name}`);
    expect(await response.text()).toBe(
      readFileSync(join(DEFINITIONS_DIRECTORY, `${name}.json`), "utf8"),
    );
  });
});

describe("startLocalEdgeCache", () => {
  it("refuses a host that is not a loopback address", async () => {
    await expect(startLocalEdgeCache({ host: "0.0.0.0" })).rejects.toThrow(
      'startLocalEdgeCache: options.host must be a loopback address, got "0.0.0.0"',
    );
  });
});
