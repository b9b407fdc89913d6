/**
 * Edge-cache Worker: serves the static definition sets stored in the `DEFINITIONS` KV namespace
 * at `GET /definitions/<name>`, with a public `Cache-Control`, a strong ETag and 304s.
 *
 * A zone's cache rules never see a response the Worker builds itself (Workers run before the
 * cache, and rules only shape what a Worker `fetch()`es), so the Worker caches at the edge on its
 * own: each data center keeps a copy in `caches.default`, keyed by URL and deploy version, for
 * `EDGE_CACHE_TTL_SECONDS`; a miss reads KV with `cacheTtl`. See docs/edge-cache.md.
 *
 * Web-standard APIs only; esbuild inlines the sibling modules into one ES module.
 */
import { parseDefinitionPath, KV_KEY_MAXIMUM_BYTES } from "./definition-path";
import { edgeCacheKey } from "./edge-cache-key";
import type {
  EdgeCacheEnvironment,
  EdgeCacheStore,
  WorkerExecutionContext,
} from "./worker-environment";
import {
  definitionResponse,
  edgeCopy,
  errorResponse,
  sha256Hex,
  type EdgeCacheStatus,
} from "./worker-responses";
import { parseWorkerSettings, type WorkerSettings } from "./worker-settings";

export type {
  DefinitionsNamespace,
  DefinitionsReadOptions,
  EdgeCacheEnvironment,
} from "./worker-environment";

// workerd treats every named value export as an entry point, so only the default export exists.
export default {
  async fetch(
    request: Request,
    environment: EdgeCacheEnvironment,
    context: WorkerExecutionContext,
  ): Promise<Response> {
    try {
      return await serve(request, environment, context);
    } catch (error) {
      // A KV or runtime failure: log the detail, answer JSON that nothing stores.
      console.error("edge-cache: request failed", error);
      return errorResponse(500, "internal_error", "The definition could not be read.", request);
    }
  },
};

async function serve(
  request: Request,
  environment: EdgeCacheEnvironment,
  context: WorkerExecutionContext,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return errorResponse(
      405,
      "method_not_allowed",
      `Method ${request.method} is not allowed; use GET or HEAD.`,
      request,
      { Allow: "GET, HEAD" },
    );
  }

  const parsedSettings = parseWorkerSettings(environment);
  if (!parsedSettings.ok) {
    return errorResponse(500, "configuration_error", parsedSettings.message, request);
  }
  const settings = parsedSettings.settings;

  const url = new URL(request.url);
  const path = parseDefinitionPath(url.pathname);
  if (path.kind === "no-route") {
    return errorResponse(404, "not_found", `No route for ${url.pathname}.`, request);
  }
  if (path.kind === "too-long") {
    return errorResponse(
      404,
      "not_found",
      `Definition names are at most ${KV_KEY_MAXIMUM_BYTES} bytes (UTF-8), got ${path.bytes}.`,
      request,
    );
  }
  const name = path.name;
  const browserCacheControl = `public, max-age=${settings.browserMaxAgeSeconds}`;

  const cache = edgeCacheStore(settings);
  const key =
    settings.version === undefined ? "" : edgeCacheKey(url.origin, name, settings.version);
  if (cache !== undefined) {
    const cached = await matchOrMiss(cache, key);
    const etag = cached?.headers.get("ETag");
    if (cached !== undefined && etag) {
      return definitionResponse({
        body: cached.body,
        byteLength: contentLength(cached),
        etag,
        cacheControl: browserCacheControl,
        request,
        status: "HIT",
      });
    }
  }

  const stored = await environment.DEFINITIONS.get(name, {
    type: "arrayBuffer",
    cacheTtl: settings.kvCacheTtlSeconds,
  });
  if (stored === null) {
    return errorResponse(404, "not_found", `Definition "${name}" does not exist.`, request);
  }

  const digest = await sha256Hex(stored);
  const etag = `"${digest}"`;
  const deployedDigest = settings.definitionDigests?.get(name);
  // Bytes the deploy did not vouch for (a data center still serving the pre-deploy value within
  // its KV cacheTtl, or a write made outside Pulumi) are served but never pinned at the edge, and
  // clients must revalidate them.
  const vouchedFor = settings.definitionDigests === undefined || deployedDigest === digest;
  let status: EdgeCacheStatus = "BYPASS";
  if (cache !== undefined && vouchedFor) {
    status = "MISS";
    const copy = edgeCopy(
      stored.slice(0),
      etag,
      settings.browserMaxAgeSeconds,
      settings.edgeTtlSeconds,
    );
    context.waitUntil(
      cache.put(key, copy).catch((error: unknown) => {
        console.error("edge-cache: cache.put failed", error);
      }),
    );
  }
  return definitionResponse({
    body: stored,
    byteLength: stored.byteLength,
    etag,
    cacheControl: vouchedFor ? browserCacheControl : "no-cache",
    request,
    status,
  });
}

/** `caches.default`, or `undefined` when edge caching is off or the runtime has no Cache API. */
function edgeCacheStore(settings: WorkerSettings): EdgeCacheStore | undefined {
  if (settings.version === undefined || settings.edgeTtlSeconds === 0) return undefined;
  const runtime = globalThis as { caches?: { default?: EdgeCacheStore } };
  return runtime.caches?.default;
}

// The Cache API is an optimisation: when it fails (it is unavailable behind Cloudflare Access),
// KV still answers.
async function matchOrMiss(cache: EdgeCacheStore, key: string): Promise<Response | undefined> {
  try {
    return await cache.match(key);
  } catch (error) {
    console.error("edge-cache: cache.match failed", error);
    return undefined;
  }
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get("Content-Length");
  return header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
}
