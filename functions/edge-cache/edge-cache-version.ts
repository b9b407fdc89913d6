/**
 * The deploy version and the per-definition digests the edge-cache Worker is bound with. The
 * Pulumi EdgeCache component and the local edge cache compute them the same way, from what they
 * deploy, so a deploy that changes anything the Worker serves gets a new version (and an empty
 * edge cache), and one that changes nothing keeps its cache.
 *
 * Runs in Node only (Pulumi program, `npm start`, tests); the Worker receives the results as vars.
 */
import { createHash } from "node:crypto";

/** What the version is derived from. */
export interface EdgeCacheVersionInput {
  /** The bundled Worker (a change of code may change every response). */
  workerContent: string;
  /** Definition name -> SHA-256 hex of its text, from {@link definitionDigests}. */
  definitionDigests: Readonly<Record<string, string>>;
  /**
   * Everything else that shapes a stored response: the Worker vars (`CACHE_MAX_AGE_SECONDS`,
   * `EDGE_CACHE_TTL_SECONDS`, ...) as bound, and the compatibility date when one is set.
   */
  settings: Readonly<Record<string, string>>;
}

/** Length of the version in hex characters (64 bits: a cache key, not a signature). */
const VERSION_LENGTH = 16;

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * SHA-256 (hex) of each definition's UTF-8 text: what the Worker computes over the bytes it reads
 * from KV, and its ETag.
 *
 * @returns name -> digest, sorted by name.
 */
export function definitionDigests(
  definitions: Readonly<Record<string, string>>,
): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const name of Object.keys(definitions).sort()) {
    digests[name] = sha256Hex(definitions[name] as string);
  }
  return digests;
}

/**
 * The deploy version: a digest of the Worker, the definitions and the settings, independent of
 * key order.
 *
 * @example edgeCacheVersion({ workerContent, definitionDigests: digests, settings: {} })
 *   // "3f0c9a1d2b4e5f60"
 */
export function edgeCacheVersion(input: EdgeCacheVersionInput): string {
  const sorted = (record: Readonly<Record<string, string>>) =>
    Object.keys(record)
      .sort()
      .map((name) => [name, record[name]]);
  const canonical = JSON.stringify({
    worker: sha256Hex(input.workerContent),
    definitions: sorted(input.definitionDigests),
    settings: sorted(input.settings),
  });
  return sha256Hex(canonical).slice(0, VERSION_LENGTH);
}
