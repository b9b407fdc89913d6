/**
 * Edge-cache Worker: serves the static definition sets stored in the `DEFINITIONS` KV namespace
 * at `GET /definitions/<name>`, with a long public `Cache-Control`, a strong ETag and 304s so
 * browsers, the Cloudflare CDN and mobile clients revalidate for a few bytes instead of refetching.
 *
 * Web-standard APIs only and no imports, so esbuild bundles it into one module unchanged.
 */

/** The subset of the Workers KV binding this Worker uses. */
export interface DefinitionsNamespace {
  /** Reads a value as raw bytes, or `null` when the key does not exist. */
  get(key: string, type: "arrayBuffer"): Promise<ArrayBuffer | null>;
}

/** Bindings the Worker expects (`bindings` of the Cloudflare `WorkersScript`). */
export interface EdgeCacheEnvironment {
  /** KV namespace holding one JSON document per definition set, keyed by its name. */
  DEFINITIONS: DefinitionsNamespace;
  /**
   * `max-age` (seconds) of the `Cache-Control` header on definitions. A plain-text or JSON
   * Worker var; must be a whole number of seconds.
   * @default 3600
   */
  CACHE_MAX_AGE_SECONDS?: string | number;
}

// workerd treats every named value export as an entry point, so constants stay module-private.
const DEFAULT_CACHE_MAX_AGE_SECONDS = 3600;

const ALLOWED_METHODS = "GET, HEAD";
const DEFINITIONS_PREFIX = "/definitions/";
// Same rule as the seeding side: KV keys are file names without `.json`, kept URL-safe.
const DEFINITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export default {
  async fetch(request: Request, environment: EdgeCacheEnvironment): Promise<Response> {
    const isHead = request.method === "HEAD";
    if (request.method !== "GET" && !isHead) {
      return errorResponse(
        405,
        "method_not_allowed",
        `Method ${request.method} is not allowed; use GET or HEAD.`,
        false,
        { Allow: ALLOWED_METHODS },
      );
    }

    const maxAge = parseMaxAge(environment.CACHE_MAX_AGE_SECONDS);
    if (maxAge === undefined) {
      return errorResponse(
        500,
        "configuration_error",
        `Worker var CACHE_MAX_AGE_SECONDS must be a whole number of seconds, got ${JSON.stringify(environment.CACHE_MAX_AGE_SECONDS)}.`,
        isHead,
      );
    }

    const { pathname } = new URL(request.url);
    const name = definitionName(pathname);
    if (name === undefined) {
      return errorResponse(404, "not_found", `No route for ${pathname}.`, isHead);
    }

    const stored = await environment.DEFINITIONS.get(name, "arrayBuffer");
    if (stored === null) {
      return errorResponse(404, "not_found", `Definition "${name}" does not exist.`, isHead);
    }

    const etag = await strongEtag(stored);
    const headers = new Headers({
      "Content-Type": "application/json",
      "Cache-Control": `public, max-age=${maxAge}`,
      ETag: etag,
      "X-Content-Type-Options": "nosniff",
    });

    if (matchesIfNoneMatch(request.headers.get("If-None-Match"), etag)) {
      headers.delete("Content-Type");
      return new Response(null, { status: 304, headers });
    }

    headers.set("Content-Length", String(stored.byteLength));
    return new Response(isHead ? null : stored, { status: 200, headers });
  },
};

function parseMaxAge(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "") return DEFAULT_CACHE_MAX_AGE_SECONDS;
  const text = String(value).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function definitionName(pathname: string): string | undefined {
  if (!pathname.startsWith(DEFINITIONS_PREFIX)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(DEFINITIONS_PREFIX.length));
  } catch {
    return undefined;
  }
  return DEFINITION_NAME.test(name) ? name : undefined;
}

async function strongEtag(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}

// RFC 9110 section 13.1.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"`.
function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === "*") return true;
  return header
    .split(",")
    .map((candidate) => candidate.trim().replace(/^W\//, ""))
    .includes(etag);
}

function errorResponse(
  status: number,
  type: string,
  message: string,
  isHead: boolean,
  extraHeaders: Record<string, string> = {},
): Response {
  // Same error shape as the LLM gateway (OpenAI's), so clients parse one format.
  const body = JSON.stringify({ error: { message, type, code: status } });
  return new Response(isHead ? null : body, {
    status,
    headers: {
      "Content-Type": "application/json",
      // A miss must not stick in the CDN for an hour once the definition is seeded.
      "Cache-Control": "no-store",
      ...extraHeaders,
    },
  });
}
