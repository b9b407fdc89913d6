// The semantic layer of the answer pipeline (after the exact cache, before the providers): a
// cacheable chat request whose last user message is a paraphrase of a stored one, with everything
// else identical, gets the stored answer. The embedding comes from the gateway's own `embedding`
// tier through the embedding cache, and the nearest entry from Postgres + pgvector
// (functions/_shared/database/semantic-cache-store.ts). Any failure on the way (embedding
// provider, database) makes the layer step aside: the request goes on to the providers.
import { canonicalJson } from "../../_shared/canonical-json.ts";
import type { SemanticCacheScope } from "../../_shared/database/semantic-cache-store.ts";
import { sha256Hex } from "../../_shared/sha256.ts";
import type {
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai-types.ts";
import { promptTexts } from "../request/prompt-scrubber.ts";
import type { RequestContext } from "../request/request-context.ts";
import { executeCandidates } from "../resilience/execute-candidates.ts";
import { resolveRoute, type Route } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { estimateEmbeddingCost } from "../spend/cost-estimate.ts";
import { computeCost } from "../spend/prices.ts";
import { decodeStoredAnswer, encodeStoredAnswer, type StoredAnswer } from "./cached-answer.ts";
import { cacheKey, chatKeyMaterial, embeddingKeyMaterial } from "./cache-key.ts";

/** Request header naming the application's source of the answer, for invalidation. */
export const cacheSourceHeader = "x-llm-cache-source";

/** Response header with the cosine distance of a semantic hit. */
export const cacheDistanceHeader = "x-llm-cache-distance";

/** The tier that embeds cache text. */
export const semanticEmbeddingTier = "embedding";

/** Embedding-cache scope of the gateway's own embeddings (the key is a hash of the text). */
const embeddingScope = "gateway:semantic-cache";

/** What a request is looked up and stored by. */
export interface SemanticRequest {
  /** Scope, namespace, requested model and embedding model. */
  scope: SemanticCacheScope;
  /** The text that was embedded: the last user message. */
  text: string;
  /** `x-llm-cache-source`, stored with the answer. */
  sourceKey: string | undefined;
}

/**
 * The semantic identity of a chat request, or undefined when it cannot take part (its last
 * message is not user text). Everything but the last message (system prompt, history, sampling
 * parameters, tools, response format) goes into the namespace as a digest: only the final
 * question may be a paraphrase.
 */
export function semanticRequestOf(
  runtime: GatewayRuntime,
  request: Request,
  chat: ChatCompletionRequest,
  scope: string,
  embeddingModel: string,
): SemanticRequest | undefined {
  const last = chat.messages.at(-1);
  if (!last || last.role !== "user") return undefined;
  const text = promptTexts([last]).join("\n").trim();
  if (text === "") return undefined;
  const material = chatKeyMaterial(chat);
  material.messages = chat.messages.slice(0, -1);
  delete material.model;
  const digest = sha256Hex(canonicalJson(material)).slice(0, 32);
  const source = request.headers.get(cacheSourceHeader)?.trim();
  return {
    scope: {
      scope,
      namespace: `${runtime.config.cacheVersion}/${digest}`,
      model: chat.model,
      embeddingModel,
    },
    text,
    sourceKey: source === undefined || source === "" ? undefined : source.slice(0, 200),
  };
}

/** The route of the `embedding` tier, or undefined when the gateway has none it can call. */
export function semanticEmbeddingRoute(runtime: GatewayRuntime): Route | undefined {
  const tier = runtime.config.routing.tiers.get(semanticEmbeddingTier);
  if (!tier) return undefined;
  const route = resolveRoute(runtime.config.routing, `tier:${semanticEmbeddingTier}`);
  const candidates = route.candidates.filter(
    (candidate) =>
      runtime.embeddingProviders.has(candidate.provider) &&
      runtime.embeddingProviders.get(candidate.provider)?.notConfigured === undefined,
  );
  return candidates.length === 0 ? undefined : { ...route, candidates };
}

function vectorOf(body: string): number[] | undefined {
  const parsed = JSON.parse(body) as EmbeddingResponse;
  const vector = parsed.data?.[0]?.embedding;
  return Array.isArray(vector) ? (vector as number[]) : undefined;
}

/**
 * Embeds cache text with the `embedding` tier, through the embedding cache (and its single
 * flight). One attempt per candidate, no retries: the layer must not hold a request up for long.
 * Its cost is counted in the budget and the metrics like any embedding, and added to the request's
 * `embeddingCostUsd` for its ledger row (nothing when the embedding cache had the vector).
 * @returns the vector, or undefined when it could not be had.
 */
export async function embedCacheText(
  runtime: GatewayRuntime,
  context: RequestContext,
  route: Route,
  text: string,
): Promise<number[] | undefined> {
  const embedding: EmbeddingRequest = { model: `tier:${semanticEmbeddingTier}`, input: text };
  const key = await cacheKey("embedding", embeddingScope, embeddingKeyMaterial(embedding));
  try {
    const cached = await runtime.store.get(key);
    const answer = cached === null ? undefined : decodeStoredAnswer(cached);
    if (answer) {
      runtime.metrics.cache.increment({ kind: "embedding", result: "hit" });
      return vectorOf(answer.body);
    }
  } catch {
    // The store guard counted it; embed without the cache.
  }
  runtime.metrics.cache.increment({ kind: "embedding", result: "miss" });
  try {
    const result = await executeCandidates(
      { ...runtime.executor, maxRetries: 0, operation: "embeddings" },
      route,
      context.scope,
      (candidate) =>
        runtime.budget.capped
          ? estimateEmbeddingCost(runtime.config.prices, candidate.model, embedding)
          : 0,
      (candidate, attempt) => {
        const provider = runtime.embeddingProviders.get(candidate.provider);
        if (!provider) throw new Error(`${candidate.provider} has no embeddings`);
        return provider.embed({ ...embedding, model: candidate.model }, candidate.model, attempt);
      },
    );
    const tokens = result.value.usage?.prompt_tokens ?? 0;
    const cost = computeCost(runtime.config.prices, result.candidate.model, tokens, 0);
    runtime.metrics.recordUsage(result.candidate.provider, result.candidate.model, tokens, 0, cost);
    context.outcome.embeddingCostUsd += cost;
    void runtime.budget.settle(result.reservation, cost).catch(() => undefined);
    const answer: StoredAnswer = {
      provider: result.candidate.provider,
      model: result.candidate.model,
      body: JSON.stringify(result.value),
    };
    runtime.background.run(
      runtime.store.set(key, encodeStoredAnswer(answer), {
        ttlSeconds: runtime.config.embeddingCacheTtlSeconds,
      }),
    );
    return vectorOf(answer.body);
  } catch (error) {
    runtime.logger.debug("semantic_cache_embedding_failed", {
      requestId: context.requestId,
      error,
    });
    return undefined;
  }
}

/** A stored answer as the `response` JSONB of `entry_semantic_cache` (the body kept as text). */
export function semanticResponse(answer: StoredAnswer): unknown {
  return { provider: answer.provider, model: answer.model, body: answer.body };
}

/** The inverse of {@link semanticResponse}; undefined for anything else. */
export function storedAnswerOf(response: unknown): StoredAnswer | undefined {
  if (typeof response !== "object" || response === null) return undefined;
  const { provider, model, body } = response as Record<string, unknown>;
  if (typeof provider !== "string" || typeof model !== "string" || typeof body !== "string")
    return undefined;
  return { provider, model, body };
}
