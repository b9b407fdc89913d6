/**
 * The responses the edge-cache Worker sends: definitions with `Cache-Control`, a strong ETag and
 * 304s, and JSON errors that nothing may store.
 */

/** Where a definition response came from, sent as `X-Edge-Cache` for operators and tests. */
export type EdgeCacheStatus = "HIT" | "MISS" | "BYPASS";

/** Response header naming the {@link EdgeCacheStatus}. */
export const EDGE_CACHE_STATUS_HEADER = "X-Edge-Cache";

/** Lowercase hex SHA-256 of `bytes`; the ETag and the deployed digests use it. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * True when `If-None-Match` matches `etag`. RFC 9110 section 13.1.2: the weak comparison, so
 * `W/"x"` matches `"x"`, and `*` matches any current representation.
 */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === "*") return true;
  return header
    .split(",")
    .map((candidate) => candidate.trim().replace(/^W\//, ""))
    .includes(etag);
}

/** What a definition response is made of. */
export interface DefinitionResponseInput {
  /** The stored bytes, or a stream of them (an edge-cache hit). */
  body: ArrayBuffer | ReadableStream<Uint8Array> | null;
  /** Length of the body in bytes, when known. */
  byteLength: number | undefined;
  /** The strong ETag, quoted. */
  etag: string;
  /** The `Cache-Control` value. */
  cacheControl: string;
  /** The request, for its method and `If-None-Match`. */
  request: Request;
  /** Sent as `X-Edge-Cache`. */
  status: EdgeCacheStatus;
}

/** A 200 with the definition (no body for HEAD), or a 304 when `If-None-Match` matches. */
export function definitionResponse(input: DefinitionResponseInput): Response {
  const headers = new Headers({
    "Cache-Control": input.cacheControl,
    ETag: input.etag,
    "X-Content-Type-Options": "nosniff",
    [EDGE_CACHE_STATUS_HEADER]: input.status,
  });
  if (matchesIfNoneMatch(input.request.headers.get("If-None-Match"), input.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Type", "application/json");
  if (input.byteLength !== undefined) headers.set("Content-Length", String(input.byteLength));
  const body = input.request.method === "HEAD" ? null : input.body;
  return new Response(body, { status: 200, headers });
}

/**
 * The copy stored in the edge cache: always the full GET response, whose `s-maxage` is the edge
 * TTL (the Cache API honours `Cache-Control`). It carries no `Set-Cookie` and is never a 206,
 * which Cloudflare's `cache.put` refuses.
 */
export function edgeCopy(
  bytes: ArrayBuffer,
  etag: string,
  browserMaxAgeSeconds: number,
  edgeTtlSeconds: number,
): Response {
  return new Response(bytes, {
    status: 200,
    headers: {
      "Content-Type": "application/json",
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": `public, max-age=${browserMaxAgeSeconds}, s-maxage=${edgeTtlSeconds}`,
      ETag: etag,
    },
  });
}

/**
 * A JSON error in the LLM gateway's (OpenAI's) shape, so clients parse one format. Always
 * `no-store`: a miss must not stick in any cache once the definition is seeded.
 */
export function errorResponse(
  status: number,
  type: string,
  message: string,
  request: Request,
  extraHeaders: Record<string, string> = {},
): Response {
  const body = JSON.stringify({ error: { message, type, code: status } });
  return new Response(request.method === "HEAD" ? null : body, {
    status,
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      ...extraHeaders,
    },
  });
}
