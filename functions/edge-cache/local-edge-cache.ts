/**
 * Runs the edge-cache Worker locally under miniflare (workerd, the Workers runtime), with its KV
 * namespace seeded from `templates/definitions/`. Used by `npm start` and by the Worker's tests.
 */
import { Miniflare } from "miniflare";
import { bundleEdgeCacheWorker, EDGE_CACHE_WORKER_MODULE_NAME } from "./bundle-worker";
import { readDefinitions } from "./definitions";

/** Options for {@link startLocalEdgeCache}. */
export interface LocalEdgeCacheOptions {
  /**
   * TCP port to listen on; `0` picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Address to listen on. Loopback only: this is a development server.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * KV entries to seed, key -> value.
   * @default readDefinitions() (every file of `templates/definitions/`)
   */
  definitions?: Record<string, string>;
  /**
   * Value of the Worker var `CACHE_MAX_AGE_SECONDS`; left unbound when omitted, so the Worker's
   * own default applies.
   * @example "60"
   */
  cacheMaxAgeSeconds?: string;
}

/** A running local edge cache. */
export interface LocalEdgeCache {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Writes one KV entry, e.g. for tests that change a definition while the Worker runs. */
  putDefinition(name: string, json: string): Promise<void>;
  /** Stops workerd and releases the port. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

interface KeyValueWriter {
  put(key: string, value: string): Promise<void>;
}

/** Starts the Worker and resolves once it accepts requests and KV is seeded. */
export async function startLocalEdgeCache(
  options: LocalEdgeCacheOptions = {},
): Promise<LocalEdgeCache> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`startLocalEdgeCache: options.host must be a loopback address, got "${host}"`);
  }
  const bindings: Record<string, string> = {};
  if (options.cacheMaxAgeSeconds !== undefined) {
    bindings.CACHE_MAX_AGE_SECONDS = options.cacheMaxAgeSeconds;
  }
  const miniflare = new Miniflare({
    modules: [
      { type: "ESModule", path: EDGE_CACHE_WORKER_MODULE_NAME, contents: bundleEdgeCacheWorker() },
    ],
    kvNamespaces: ["DEFINITIONS"],
    bindings,
    host,
    port: options.port ?? 0,
  });
  try {
    const url = await miniflare.ready;
    // miniflare types KV with @cloudflare/workers-types, which this project does not install.
    const namespace = (await miniflare.getKVNamespace("DEFINITIONS")) as unknown as KeyValueWriter;
    const putDefinition = (name: string, json: string) => namespace.put(name, json);
    const definitions = options.definitions ?? readDefinitions();
    for (const [name, json] of Object.entries(definitions)) {
      await putDefinition(name, json);
    }
    return { url: url.origin, putDefinition, close: () => miniflare.dispose() };
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
}
