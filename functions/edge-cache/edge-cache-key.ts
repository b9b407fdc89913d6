/**
 * The key under which the Worker stores a definition in the data center's edge cache
 * (`caches.default`). Shared by the Worker and the local tooling that inspects the cache.
 */
import { DEFINITIONS_PATH_PREFIX } from "./definition-path";

/** Query parameter of the key that carries the deploy version. */
export const EDGE_CACHE_VERSION_PARAMETER = "edge-cache-version";

/**
 * Builds the cache key from the canonical definition URL and the deploy version. The client's
 * query string is left out, so `?anything` cannot fill the cache with copies; the version makes
 * every deploy start from an empty cache without a purge.
 *
 * @param origin The request's origin, e.g. `https://api.example.com` (Cloudflare advises keying
 *   the Cache API on the Worker's own hostname).
 * @example edgeCacheKey("https://api.example.com", "emotions", "3f0c9a1d2b4e5f60")
 *   // "https://api.example.com/definitions/emotions?edge-cache-version=3f0c9a1d2b4e5f60"
 */
export function edgeCacheKey(origin: string, name: string, version: string): string {
  const key = new URL(`${DEFINITIONS_PATH_PREFIX}${encodeURIComponent(name)}`, origin);
  key.searchParams.set(EDGE_CACHE_VERSION_PARAMETER, version);
  return key.toString();
}
