/** Response headers a browser script may read: the gateway's own and the request id. */
const exposedHeaders = [
  "x-request-id",
  "x-llm-provider",
  "x-llm-model",
  "x-llm-cache",
  "x-llm-cache-distance",
  "x-llm-tier",
  "x-llm-attempts",
  "x-llm-ignored-parameters",
  "retry-after",
].join(", ");

/** Request headers allowed when a preflight does not list any. */
const defaultAllowedHeaders =
  "authorization, content-type, x-api-key, x-request-id, x-user-id, x-llm-cache-scope, x-llm-cache-source, x-llm-strict-parameters, cache-control";

/**
 * Cross-origin access from `GATEWAY_CORS_ORIGINS`: a listed origin is echoed with
 * `Access-Control-Allow-Credentials: true`; `*` allows any origin, answered as `*` and never with
 * credentials (browsers refuse the combination, and a wildcard must not carry cookies or keys of
 * a logged-in user). An origin that is not allowed gets no CORS headers, so the browser blocks it.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;
  private readonly anyOrigin: boolean;

  constructor(origins: readonly string[]) {
    this.anyOrigin = origins.includes("*");
    this.origins = new Set(origins.filter((origin) => origin !== "*").map(normaliseOrigin));
  }

  /** True when CORS is configured at all. */
  get enabled(): boolean {
    return this.anyOrigin || this.origins.size > 0;
  }

  /** The CORS headers of an actual (non-preflight) response; empty for a disallowed origin. */
  headersFor(request: Request): Record<string, string> {
    const origin = request.headers.get("origin");
    if (origin === null || !this.enabled) return {};
    if (this.origins.has(normaliseOrigin(origin))) {
      return {
        "access-control-allow-origin": origin,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": exposedHeaders,
        vary: "Origin",
      };
    }
    if (this.anyOrigin) {
      return {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": exposedHeaders,
      };
    }
    return { vary: "Origin" };
  }

  /** The answer to an `OPTIONS` preflight: 204 with the allowed methods and headers. */
  preflight(request: Request, allowedMethods: string): Response {
    const headers = this.headersFor(request);
    if (headers["access-control-allow-origin"] !== undefined) {
      headers["access-control-allow-methods"] = allowedMethods;
      headers["access-control-allow-headers"] =
        request.headers.get("access-control-request-headers") ?? defaultAllowedHeaders;
      headers["access-control-max-age"] = "600";
      headers.vary = "Origin, Access-Control-Request-Headers";
    }
    return new Response(null, { status: 204, headers: { ...headers, allow: allowedMethods } });
  }
}

function normaliseOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, "").toLowerCase();
}
