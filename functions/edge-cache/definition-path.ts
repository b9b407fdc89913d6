/**
 * Turns a request path into the KV key of a definition set, refusing anything KV would reject
 * (a key over 512 bytes makes the KV binding throw) before KV is called.
 */

/** The path the Worker serves definitions under: `GET /definitions/<name>`. */
export const DEFINITIONS_PATH_PREFIX = "/definitions/";

/** Cloudflare's limit on a KV key name, in UTF-8 bytes. */
export const KV_KEY_MAXIMUM_BYTES = 512;

/** What a request path names. */
export type DefinitionPath =
  { kind: "definition"; name: string } | { kind: "too-long"; bytes: number } | { kind: "no-route" };

// Same rule as the seeding side (definitions.ts): KV keys are file names without `.json`,
// kept URL-safe.
const DEFINITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses `/definitions/<percent-encoded name>`; the length is checked before the characters. */
export function parseDefinitionPath(pathname: string): DefinitionPath {
  if (!pathname.startsWith(DEFINITIONS_PATH_PREFIX)) return { kind: "no-route" };
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(DEFINITIONS_PATH_PREFIX.length));
  } catch {
    return { kind: "no-route" };
  }
  const bytes = new TextEncoder().encode(name).byteLength;
  if (bytes > KV_KEY_MAXIMUM_BYTES) return { kind: "too-long", bytes };
  return DEFINITION_NAME.test(name) ? { kind: "definition", name } : { kind: "no-route" };
}
