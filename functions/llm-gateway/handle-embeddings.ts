import { lookUpCachedAnswer } from "./cache-lookup.ts";
import { answerHeaders, wantsNoCache } from "./answer-headers.ts";
import { cacheKey, embeddingKeyMaterial } from "./cache-key.ts";
import { cacheScopeOf, type Caller } from "./caller.ts";
import { estimateEmbeddingCost } from "./cost-estimate.ts";
import { InvalidRequestError, UpstreamProtocolError } from "./errors.ts";
import { executeCandidates, type AttemptCounter } from "./execute-candidates.ts";
import { jsonTextResponse } from "./http.ts";
import { computeCost } from "./prices.ts";
import type { RequestContext } from "./request-context.ts";
import { parseEmbeddingRequest } from "./request-schema.ts";
import { resolveRoute, type Candidate } from "./routing.ts";
import type { GatewayRuntime } from "./runtime.ts";
import { encodeStoredAnswer, type StoredAnswer } from "./cached-answer.ts";

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
  const route = {
    ...resolved,
    candidates: resolved.candidates.filter((candidate) =>
      runtime.embeddingProviders.has(candidate.provider),
    ),
  };
  if (route.candidates.length === 0) {
    throw new InvalidRequestError(
      `"${embedding.model}" has no embeddings-capable candidate (only OpenAI-compatible providers embed).`,
      "model_not_found",
      "model",
    );
  }
  context.outcome.tier = route.tier.name;

  const respondHit = (answer: StoredAnswer): Response => {
    runtime.metrics.cache.increment({ kind: "embedding", result: "hit" });
    context.outcome.cache = "hit";
    context.outcome.provider = answer.provider;
    context.outcome.model = answer.model;
    return jsonTextResponse(
      200,
      answer.body,
      answerHeaders(context, answer.provider, answer.model, "hit", 0),
    );
  };
  const lookup = await lookUpCachedAnswer(
    runtime.store,
    runtime.embeddingFlights,
    wantsNoCache(request)
      ? undefined
      : cacheKey(
          "embedding",
          cacheScopeOf(request, caller, embedding.user),
          embeddingKeyMaterial(embedding),
        ),
  );
  if (lookup.answer) return respondHit(lookup.answer);
  const { cache, key, finishFlight } = lookup;
  runtime.metrics.cache.increment({ kind: "embedding", result: cache });
  context.outcome.cache = cache;

  const counter: AttemptCounter = { attempts: 0 };
  try {
    const result = await executeCandidates(
      runtime.executor,
      route,
      context.scope,
      (candidate: Candidate) =>
        runtime.budget.capped
          ? estimateEmbeddingCost(runtime.config.prices, candidate.model, embedding)
          : 0,
      (candidate, attempt) => {
        const provider = runtime.embeddingProviders.get(candidate.provider);
        if (!provider)
          throw new UpstreamProtocolError(candidate.provider, "provider has no embeddings");
        return provider.embed(embedding, candidate.model, attempt);
      },
      counter,
    );
    const { candidate, value } = result;
    context.outcome.provider = candidate.provider;
    context.outcome.model = candidate.model;
    context.outcome.attempts = result.attempts;
    const input = value.usage?.prompt_tokens ?? 0;
    const cost = computeCost(runtime.config.prices, candidate.model, input, 0);
    runtime.metrics.recordUsage(candidate.provider, candidate.model, input, 0, cost);
    context.outcome.costUsd = cost;
    void runtime.budget.settle(result.reservation, cost).catch(() => undefined);
    const answer: StoredAnswer = {
      provider: candidate.provider,
      model: candidate.model,
      body: JSON.stringify(value),
    };
    if (key !== undefined) {
      runtime.store
        .set(key, encodeStoredAnswer(answer), {
          ttlSeconds: runtime.config.embeddingCacheTtlSeconds,
        })
        .catch(() => undefined);
    }
    finishFlight?.(answer);
    return jsonTextResponse(
      200,
      answer.body,
      answerHeaders(context, candidate.provider, candidate.model, cache, result.attempts),
    );
  } catch (error) {
    context.outcome.attempts = counter.attempts;
    finishFlight?.(undefined);
    throw error;
  }
}
