/**
 * Parses the edge-cache Worker's vars into settings, or into the message of a configuration error
 * that names the var, so a bad deploy answers a clear 500 instead of caching the wrong thing.
 */
import type { EdgeCacheEnvironment } from "./worker-environment";

/** The Worker's settings, read from its vars on every request (they are tiny). */
export interface WorkerSettings {
  /** `max-age` of the `Cache-Control` browsers and apps receive. */
  browserMaxAgeSeconds: number;
  /** `s-maxage` of the copy stored in the edge cache; `0` means nothing is stored. */
  edgeTtlSeconds: number;
  /** `cacheTtl` of the KV reads. */
  kvCacheTtlSeconds: number;
  /** Deploy version that scopes the edge-cache keys; `undefined` turns edge caching off. */
  version: string | undefined;
  /** Deployed SHA-256 (hex) per definition name; `undefined` when not bound. */
  definitionDigests: ReadonlyMap<string, string> | undefined;
}

/** Settings, or the message of the configuration error to answer with. */
export type WorkerSettingsResult =
  { ok: true; settings: WorkerSettings } | { ok: false; message: string };

/** Cloudflare rejects a KV `cacheTtl` below this many seconds. */
export const KV_CACHE_TTL_MINIMUM_SECONDS = 60;

const DEFAULT_BROWSER_MAX_AGE_SECONDS = 3600;
const DEFAULT_EDGE_TTL_SECONDS = 3600;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// Goes into a URL query parameter of the cache key: keep it short and URL-safe.
const VERSION = /^[A-Za-z0-9._-]{1,128}$/;

/** Reads every var; the first invalid one decides the error message. */
export function parseWorkerSettings(environment: EdgeCacheEnvironment): WorkerSettingsResult {
  const browserMaxAgeSeconds = wholeSeconds(
    environment.CACHE_MAX_AGE_SECONDS,
    DEFAULT_BROWSER_MAX_AGE_SECONDS,
  );
  if (browserMaxAgeSeconds === undefined) {
    return invalid("CACHE_MAX_AGE_SECONDS", environment.CACHE_MAX_AGE_SECONDS);
  }
  const edgeTtlSeconds = wholeSeconds(environment.EDGE_CACHE_TTL_SECONDS, DEFAULT_EDGE_TTL_SECONDS);
  if (edgeTtlSeconds === undefined) {
    return invalid("EDGE_CACHE_TTL_SECONDS", environment.EDGE_CACHE_TTL_SECONDS);
  }
  const kvCacheTtlSeconds = wholeSeconds(
    environment.KV_CACHE_TTL_SECONDS,
    KV_CACHE_TTL_MINIMUM_SECONDS,
  );
  if (kvCacheTtlSeconds === undefined || kvCacheTtlSeconds < KV_CACHE_TTL_MINIMUM_SECONDS) {
    return {
      ok: false,
      message: `Worker var KV_CACHE_TTL_SECONDS must be a whole number of seconds, at least ${KV_CACHE_TTL_MINIMUM_SECONDS} (Cloudflare's minimum KV cacheTtl), got ${JSON.stringify(environment.KV_CACHE_TTL_SECONDS)}.`,
    };
  }
  const version = environment.DEFINITIONS_VERSION;
  if (version !== undefined && version !== "" && !VERSION.test(version)) {
    return {
      ok: false,
      message: `Worker var DEFINITIONS_VERSION must be 1-128 characters of A-Z, a-z, 0-9, ".", "_" or "-", got ${JSON.stringify(version)}.`,
    };
  }
  const definitionDigests = parseDigests(environment.DEFINITION_DIGESTS);
  if (definitionDigests === "invalid") {
    return {
      ok: false,
      message:
        "Worker var DEFINITION_DIGESTS must be a JSON object of definition name -> SHA-256 hex digest.",
    };
  }
  return {
    ok: true,
    settings: {
      browserMaxAgeSeconds,
      edgeTtlSeconds,
      kvCacheTtlSeconds,
      version: version === "" ? undefined : version,
      definitionDigests,
    },
  };
}

function invalid(name: string, value: unknown): WorkerSettingsResult {
  return {
    ok: false,
    message: `Worker var ${name} must be a whole number of seconds, got ${JSON.stringify(value)}.`,
  };
}

function wholeSeconds(value: string | number | undefined, fallback: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  const text = String(value).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function parseDigests(
  value: string | Record<string, unknown> | undefined,
): ReadonlyMap<string, string> | undefined | "invalid" {
  if (value === undefined || value === "") return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return "invalid";
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "invalid";
  const digests = new Map<string, string>();
  for (const [name, digest] of Object.entries(parsed)) {
    if (typeof digest !== "string" || !SHA256_HEX.test(digest)) return "invalid";
    digests.set(name, digest);
  }
  return digests;
}
