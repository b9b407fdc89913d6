import { InvalidRequestError } from "../errors.ts";
import { jsonResponse } from "../http.ts";
import { cacheScopeOf, type Caller } from "../request/caller.ts";
import type { RequestContext } from "../request/request-context.ts";
import type { GatewayRuntime } from "../runtime.ts";

/** Longest source key kept with an answer (`x-llm-cache-source`), and accepted here. */
const maxSourceKeyLength = 200;

function sourceKeyOf(body: unknown): { sourceKey: string; user: string | undefined } {
  const members =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  const sourceKey = members?.source_key;
  if (typeof sourceKey !== "string" || sourceKey.trim() === "") {
    throw new InvalidRequestError(
      'Invalid "source_key": must be the non-empty text sent as x-llm-cache-source.',
      "invalid_value",
      "source_key",
    );
  }
  if (sourceKey.trim().length > maxSourceKeyLength) {
    throw new InvalidRequestError(
      `Invalid "source_key": at most ${maxSourceKeyLength} characters.`,
      "invalid_value",
      "source_key",
    );
  }
  const user = members?.user;
  if (user !== undefined && typeof user !== "string") {
    throw new InvalidRequestError('Invalid "user": must be text.', "invalid_type", "user");
  }
  return { sourceKey: sourceKey.trim(), user };
}

/**
 * `POST /v1/cache/invalidate` with `{"source_key": "...", "user"?: "..."}`: deletes the semantic
 * cache's answers derived from that source in the caller's scope (the scope a request with the
 * same key, `user` / `x-user-id` and `x-llm-cache-scope` gets), the seeds' "delete when the user
 * edits the entry". Answers `{"object": "cache.invalidation", "source_key", "deleted"}`; 503
 * `semantic_cache_unavailable` when the semantic cache is off or its database unreachable.
 */
export async function handleCacheInvalidation(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  const { sourceKey, user } = sourceKeyOf(body);
  const scope = cacheScopeOf(request, caller, user);
  const outcome = await runtime.semanticCache?.invalidate({ scope, sourceKey });
  const headers = { "x-request-id": context.requestId, "cache-control": "no-store" };
  if (outcome?.status !== "removed") {
    return jsonResponse(
      503,
      {
        error: {
          message: runtime.semanticCache
            ? "The semantic cache's database is unavailable; nothing was deleted."
            : "The semantic cache is off (no DATABASE_URL or SUPABASE_DB_URL).",
          type: "api_error",
          code: "semantic_cache_unavailable",
          param: null,
        },
      },
      headers,
    );
  }
  runtime.logger.info("semantic_cache_invalidated", {
    requestId: context.requestId,
    deleted: outcome.count,
  });
  return jsonResponse(
    200,
    { object: "cache.invalidation", source_key: sourceKey, deleted: outcome.count },
    headers,
  );
}
