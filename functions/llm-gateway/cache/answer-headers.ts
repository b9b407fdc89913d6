import type { RequestContext } from "../request/request-context.ts";

/** What the response cache did for one request, as reported in `x-llm-cache`. */
export type CacheResult = "hit" | "miss" | "bypass";

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
  };
}
