/**
 * The bindings the edge-cache Worker reads, and the few Workers runtime shapes it uses. The project
 * does not install `@cloudflare/workers-types`, so only the members the Worker calls are declared.
 *
 * Web-standard types only: this module is bundled into the Worker and type-checked under Node too.
 */

/** Options of a KV read (`KVNamespace.get`). */
export interface DefinitionsReadOptions {
  /** Always `"arrayBuffer"`: the Worker serves and hashes the stored bytes unchanged. */
  type: "arrayBuffer";
  /**
   * How long the KV result is cached in the data center that read it, in seconds. Cloudflare
   * rejects values below 60.
   */
  cacheTtl: number;
}

/** The subset of the Workers KV binding this Worker uses. */
export interface DefinitionsNamespace {
  /** Reads a value as raw bytes, or `null` when the key does not exist. */
  get(key: string, options: DefinitionsReadOptions): Promise<ArrayBuffer | null>;
}

/** Bindings the Worker expects (`bindings` of the Cloudflare `WorkersScript`). */
export interface EdgeCacheEnvironment {
  /** KV namespace holding one JSON document per definition set, keyed by its name. */
  DEFINITIONS: DefinitionsNamespace;
  /**
   * `max-age` (seconds) of the `Cache-Control` header browsers and apps receive. A plain-text or
   * JSON Worker var; must be a whole number of seconds.
   * @default 3600
   */
  CACHE_MAX_AGE_SECONDS?: string | number;
  /**
   * How long the Worker keeps a definition in the data center's edge cache (Cache API,
   * `s-maxage` of the stored copy), in whole seconds; `0` turns edge caching off.
   * @default 3600
   */
  EDGE_CACHE_TTL_SECONDS?: string | number;
  /**
   * `cacheTtl` of the KV reads, in whole seconds; at least 60 (Cloudflare's minimum).
   * @default 60
   */
  KV_CACHE_TTL_SECONDS?: string | number;
  /**
   * Version of the deployed Worker and definitions; part of every edge-cache key, so a deploy
   * that changes anything never matches an entry stored before it. Without it nothing is stored
   * in the edge cache (nothing could ever invalidate it).
   * @example "3f0c9a1d2b4e5f60"
   */
  DEFINITIONS_VERSION?: string;
  /**
   * SHA-256 (hex) of each deployed definition, name -> digest, as a JSON binding or JSON text.
   * A KV read whose bytes differ (a data center still serving the value from before the deploy,
   * or a write made outside Pulumi) is served but never stored in the edge cache.
   * @default undefined (every KV read is trusted)
   * @example { "emotions": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }
   */
  DEFINITION_DIGESTS?: string | Record<string, unknown>;
}

/** The subset of the Workers `ExecutionContext` this Worker uses. */
export interface WorkerExecutionContext {
  /** Keeps the isolate alive until `promise` settles, after the response has been sent. */
  waitUntil(promise: Promise<unknown>): void;
}

/** The subset of a Workers `Cache` (`caches.default`) this Worker uses. */
export interface EdgeCacheStore {
  /** The stored response for a GET of `key`, or `undefined`. */
  match(key: string): Promise<Response | undefined>;
  /** Stores `response` for GETs of `key`, honouring its `Cache-Control`. */
  put(key: string, response: Response): Promise<void>;
}
