import { wantsNoCache } from "../cache/answer-headers.ts";
import { cacheKey, embeddingKeyMaterial } from "../cache/cache-key.ts";
import { InvalidRequestError, UpstreamProtocolError } from "../errors.ts";
import { cacheScopeOf, type Caller } from "../request/caller.ts";
import type { RequestContext } from "../request/request-context.ts";
import { parseEmbeddingRequest } from "../request/request-schema.ts";
import { resolveRoute } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { estimateEmbeddingCost } from "../spend/cost-estimate.ts";
import { answerOnce, answerResponse, configuredRoute } from "./answer-pipeline.ts";

/**
 * `POST /v1/embeddings`. Embeddings are deterministic, so every request is cacheable (for
 * `EMBEDDING_CACHE_TTL_S`) unless it sends `Cache-Control: no-cache`; only OpenAI-compatible
 * candidates serve them (Anthropic has no embeddings API).
 */
export async function handleEmbeddings(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  const embedding = parseEmbeddingRequest(body);
  const resolved = resolveRoute(runtime.config.routing, embedding.model);
  const candidates = resolved.candidates.filter((candidate) =>
    runtime.embeddingProviders.has(candidate.provider),
  );
  if (candidates.length === 0) {
    throw new InvalidRequestError(
      `"${embedding.model}" has no embeddings-capable candidate (only OpenAI-compatible providers embed).`,
      "model_not_found",
      "model",
    );
  }
  const route = configuredRoute(
    { ...resolved, candidates },
    (candidate) => runtime.embeddingProviders.get(candidate.provider)?.notConfigured,
  );
  context.outcome.tier = route.tier.name;
  const key = wantsNoCache(request)
    ? undefined
    : await cacheKey(
        "embedding",
        cacheScopeOf(request, caller, embedding.user),
        embeddingKeyMaterial(embedding),
      );
  const outcome = await answerOnce(
    runtime,
    context,
    {
      kind: "embedding",
      flights: runtime.embeddingFlights,
      ttlSeconds: runtime.config.embeddingCacheTtlSeconds,
    },
    key,
    {
      route,
      estimate: (candidate) =>
        runtime.budget.capped
          ? estimateEmbeddingCost(runtime.config.prices, candidate.model, embedding)
          : 0,
      attempt: (candidate, attempt) => {
        const provider = runtime.embeddingProviders.get(candidate.provider);
        if (!provider)
          throw new UpstreamProtocolError(candidate.provider, "provider has no embeddings");
        return provider.embed(embedding, candidate.model, attempt);
      },
      scrub: (text) => text,
      operation: "embeddings",
    },
    (value, candidate) => ({
      answer: {
        provider: candidate.provider,
        model: candidate.model,
        body: JSON.stringify(value),
      },
      // Embeddings have no output tokens.
      usage: {
        prompt_tokens: value.usage?.prompt_tokens ?? 0,
        completion_tokens: 0,
        total_tokens: value.usage?.prompt_tokens ?? 0,
      },
    }),
  );
  return answerResponse(context, outcome);
}
