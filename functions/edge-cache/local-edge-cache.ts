/**
 * Runs the edge-cache Worker locally under miniflare (workerd, the Workers runtime), with its KV
 * namespace seeded from `templates/definitions/` and the same version and digest vars the Pulumi
 * EdgeCache component binds, so the edge cache (`caches.default`) behaves as it does in a
 * Cloudflare data center. Used by `npm start` and by the Worker's tests.
 */
import { Miniflare } from "miniflare";
import { bundleEdgeCacheWorker, EDGE_CACHE_WORKER_MODULE_NAME } from "./bundle-worker";
import { readDefinitions } from "./definitions";
import { edgeCacheKey } from "./edge-cache-key";
import { definitionDigests, edgeCacheVersion } from "./edge-cache-version";

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
   * KV entries to seed, key -> value; the Worker's digests and version are derived from them.
   * @default readDefinitions() (every file of `templates/definitions/`)
   */
  definitions?: Record<string, string>;
  /**
   * Value of the Worker var `CACHE_MAX_AGE_SECONDS` (browser `max-age`); left unbound when
   * omitted, so the Worker's own default applies.
   * @example "60"
   */
  cacheMaxAgeSeconds?: string;
  /**
   * Value of the Worker var `EDGE_CACHE_TTL_SECONDS` (edge-cache `s-maxage`); left unbound when
   * omitted.
   * @example "120"
   */
  edgeCacheTtlSeconds?: string;
  /**
   * Value of the Worker var `KV_CACHE_TTL_SECONDS` (KV `cacheTtl`); left unbound when omitted.
   * @example "60"
   */
  kvCacheTtlSeconds?: string;
}

/** A running local edge cache. */
export interface LocalEdgeCache {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The deploy version the Worker is bound with (scopes its edge-cache keys). */
  readonly version: string;
  /**
   * Writes one KV entry and nothing else, like a write made outside Pulumi: the Worker's digests
   * and version stay those of the last deploy.
   */
  putDefinition(name: string, json: string): Promise<void>;
  /** Deletes one KV entry and nothing else, e.g. to show a response came from the edge cache. */
  deleteDefinition(name: string): Promise<void>;
  /**
   * Deploys a new set of definitions the way `pulumi up` does: KV first (removing keys no longer
   * present), then the Worker with the new digests and version. The edge cache is kept, as in a
   * data center, so only the version decides what is served from it.
   */
  redeploy(definitions: Record<string, string>): Promise<void>;
  /** The copy of `name` in the edge cache under the current version, or `undefined`. */
  edgeCacheEntry(name: string): Promise<Response | undefined>;
  /** Stops workerd and releases the port. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

// miniflare types its bindings with @cloudflare/workers-types, which this project does not install.
interface KeyValueStore {
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

interface CacheReader {
  default: { match(key: string): Promise<Response | undefined> };
}

/** Starts the Worker and resolves once it accepts requests and KV is seeded. */
export async function startLocalEdgeCache(
  options: LocalEdgeCacheOptions = {},
): Promise<LocalEdgeCache> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`startLocalEdgeCache: options.host must be a loopback address, got "${host}"`);
  }
  const workerContent = bundleEdgeCacheWorker();
  const settings: Record<string, string> = {};
  if (options.cacheMaxAgeSeconds !== undefined) {
    settings.CACHE_MAX_AGE_SECONDS = options.cacheMaxAgeSeconds;
  }
  if (options.edgeCacheTtlSeconds !== undefined) {
    settings.EDGE_CACHE_TTL_SECONDS = options.edgeCacheTtlSeconds;
  }
  if (options.kvCacheTtlSeconds !== undefined) {
    settings.KV_CACHE_TTL_SECONDS = options.kvCacheTtlSeconds;
  }

  let definitions = options.definitions ?? readDefinitions();
  let version = "";
  const miniflareOptions = (port: number) => {
    const digests = definitionDigests(definitions);
    version = edgeCacheVersion({ workerContent, definitionDigests: digests, settings });
    return {
      modules: [
        { type: "ESModule" as const, path: EDGE_CACHE_WORKER_MODULE_NAME, contents: workerContent },
      ],
      kvNamespaces: ["DEFINITIONS"],
      // An object binding is a JSON binding, like `type: "json"` on Cloudflare.
      bindings: { ...settings, DEFINITIONS_VERSION: version, DEFINITION_DIGESTS: digests },
      host,
      port,
    };
  };

  const miniflare = new Miniflare(miniflareOptions(options.port ?? 0));
  try {
    let url = await miniflare.ready;
    // Stubs die with each setOptions(): fetch the binding per call.
    const namespace = async () =>
      (await miniflare.getKVNamespace("DEFINITIONS")) as unknown as KeyValueStore;
    for (const [name, json] of Object.entries(definitions)) {
      await (await namespace()).put(name, json);
    }
    return {
      get url() {
        return url.origin;
      },
      get version() {
        return version;
      },
      putDefinition: async (name, json) => (await namespace()).put(name, json),
      deleteDefinition: async (name) => (await namespace()).delete(name),
      async redeploy(next) {
        const store = await namespace();
        for (const name of Object.keys(definitions)) {
          if (!(name in next)) await store.delete(name);
        }
        for (const [name, json] of Object.entries(next)) {
          await store.put(name, json);
        }
        definitions = next;
        // Keep the port: clients (and `npm start`'s banner) hold the URL.
        await miniflare.setOptions(miniflareOptions(Number(url.port)));
        url = await miniflare.ready;
      },
      async edgeCacheEntry(name) {
        const caches = (await miniflare.getCaches()) as unknown as CacheReader;
        return caches.default.match(edgeCacheKey(url.origin, name, version));
      },
      close: () => miniflare.dispose(),
    };
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
}
