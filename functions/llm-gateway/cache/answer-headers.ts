import type { RequestContext } from "../request/request-context.ts";

/**
 * What the caches did for one request, as reported in `x-llm-cache`: `hit` (exact cache),
 * `semantic` (a paraphrase's answer), `miss`, `bypass`.
 */
export type CacheResult = "hit" | "semantic" | "miss" | "bypass";

/** True when the client asked not to be served from (or stored into) the cache. */
export function wantsNoCache(request: Request): boolean {
  const header = request.headers.get("cache-control");
  return header !== null && /no-cache|no-store/i.test(header);
}

/** The `x-llm-*` and `x-request-id` headers every completion and embedding answer carries. */
export function answerHeaders(
  context: RequestContext,
  provider: string,
  model: string,
  cache: CacheResult,
  attempts: number,
): Record<string, string> {
  return {
    "x-request-id": context.requestId,
    "x-llm-provider": provider,
    "x-llm-model": model,
    "x-llm-cache": cache,
    "x-llm-attempts": String(attempts),
    ...(context.outcome.tier === "none" ? {} : { "x-llm-tier": context.outcome.tier }),
  };
}
