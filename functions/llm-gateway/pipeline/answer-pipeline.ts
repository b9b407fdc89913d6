import { answerHeaders, type CacheResult } from "../cache/answer-headers.ts";
import { encodeStoredAnswer, type StoredAnswer } from "../cache/cached-answer.ts";
import { lookUpCachedAnswer, type CacheLookup } from "../cache/cache-lookup.ts";
import type { SingleFlight } from "../cache/single-flight.ts";
import { ProvidersUnavailableError } from "../errors.ts";
import { jsonTextResponse } from "../http.ts";
import type { Usage } from "../openai-types.ts";
import type { AttemptContext } from "../providers/provider.ts";
import type { RequestContext } from "../request/request-context.ts";
import {
  executeCandidates,
  type AttemptCounter,
  type ExecutionResult,
} from "../resilience/execute-candidates.ts";
import type { Candidate, Route } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { settleSpend } from "../spend/spend.ts";
import { storedAnswerCost } from "../spend/cost-ledger.ts";
import { semanticCacheDimensions } from "../../_shared/database/semantic-cache-store.ts";
import {
  embedCacheText,
  semanticEmbeddingRoute,
  semanticRequestOf,
  semanticResponse,
  storedAnswerOf,
  type SemanticRequest,
} from "../cache/semantic-cache.ts";
import type { ChatCompletionRequest } from "../openai-types.ts";
import { withSpan } from "../telemetry/spans.ts";
import { noopSpan } from "../telemetry/tracing.ts";

/**
 * The one answer pipeline of chat, embeddings and responses: look up (store, then single flight)
 * -> execute (candidates with breaker, timeout, retry, fallback) -> settle (spend) -> store. The
 * handlers differ only in how they parse the request and present the answer.
 */

/** Which cache a request uses: its metric label, its single-flight table and its TTL. */
export interface CacheSpace {
  /** `llm_gateway_cache_total{kind}`. */
  kind: "response" | "embedding";
  /** Identical requests in flight. */
  flights: SingleFlight<StoredAnswer>;
  /** How long a stored answer is served. */
  ttlSeconds: number;
}

/** Looks a request up and counts the result; `key` undefined bypasses the cache. */
export async function lookUp(
  runtime: GatewayRuntime,
  context: RequestContext,
  space: CacheSpace,
  key: string | undefined,
): Promise<CacheLookup> {
  const lookup = await withSpan(runtime.tracer, "Cache:Exact", context.span, () =>
    lookUpCachedAnswer(runtime.store, space.flights, key, () => ({
      scope: context.scope,
      requestDeadlineMs: runtime.config.requestDeadlineMs,
      stalledAfterMs: runtime.config.attemptTimeoutMs,
    })),
  );
  const result: CacheResult = lookup.answer ? "hit" : lookup.cache;
  runtime.metrics.cache.increment({ kind: space.kind, result });
  context.outcome.cache = result;
  if (lookup.answer) {
    context.outcome.provider = lookup.answer.provider;
    context.outcome.model = lookup.answer.model;
    context.outcome.costAvoidedUsd = storedAnswerCost(runtime.config.prices, lookup.answer);
  }
  return lookup;
}

/** A semantic miss: what to store the request's answer under once it is made. */
export interface SemanticMiss {
  /** Scope, text and source key. */
  request: SemanticRequest;
  /** The request's embedding. */
  embedding: number[];
  /** For the `semantic_cache_stored` debug line. */
  requestId: string;
}

/** What the semantic layer did: a hit to serve, a miss to store after, or nothing. */
export interface SemanticOutcome {
  /** The stored answer of a paraphrase, and its cosine distance. */
  hit?: { answer: StoredAnswer; distance: number };
  /** Set on a miss the answer can be stored for. */
  miss?: SemanticMiss;
}

let embeddingSizeLogged = false;

/**
 * The semantic cache stage (after the exact cache, before the providers; span `Cache:Semantic`):
 * embeds the request's last user message with the `embedding` tier and looks up the nearest
 * stored answer in its scope. Returns nothing when the layer is off (no database, no embedding
 * tier), the request cannot take part, or anything on the way fails: the request then goes to the
 * providers.
 */
export function lookUpSemantic(
  runtime: GatewayRuntime,
  context: RequestContext,
  request: Request,
  chat: ChatCompletionRequest,
  scope: string,
): Promise<SemanticOutcome> {
  if (!runtime.semanticCache) return Promise.resolve({});
  return withSpan(runtime.tracer, "Cache:Semantic", context.span, () =>
    semanticStage(runtime, context, request, chat, scope),
  );
}

async function semanticStage(
  runtime: GatewayRuntime,
  context: RequestContext,
  request: Request,
  chat: ChatCompletionRequest,
  scope: string,
): Promise<SemanticOutcome> {
  const store = runtime.semanticCache;
  if (!store) return {};
  const route = semanticEmbeddingRoute(runtime);
  const embeddingModel = route?.candidates[0]?.model;
  if (!route || embeddingModel === undefined) return {};
  const semantic = semanticRequestOf(runtime, request, chat, scope, embeddingModel);
  if (!semantic) return {};
  const embedding = await embedCacheText(runtime, context, route, semantic.text);
  if (!embedding) {
    runtime.metrics.cache.increment({ kind: "semantic", result: "bypass" });
    return {};
  }
  if (embedding.length !== semanticCacheDimensions) {
    if (!embeddingSizeLogged) {
      embeddingSizeLogged = true;
      runtime.logger.warn("semantic_cache_embedding_size", {
        model: embeddingModel,
        dimensions: embedding.length,
        expected: semanticCacheDimensions,
      });
    }
    return {};
  }
  const found = await store.lookup(semantic.scope, embedding);
  if (found.status === "unavailable") {
    runtime.metrics.cache.increment({ kind: "semantic", result: "bypass" });
    return {};
  }
  const answer = found.status === "hit" ? storedAnswerOf(found.response) : undefined;
  if (found.status === "hit" && answer) {
    runtime.metrics.cache.increment({ kind: "semantic", result: "hit" });
    context.outcome.cache = "semantic";
    context.outcome.provider = answer.provider;
    context.outcome.model = answer.model;
    if (found.tier !== null) context.outcome.tier = found.tier;
    context.outcome.costAvoidedUsd = storedAnswerCost(runtime.config.prices, answer);
    return { hit: { answer, distance: found.distance } };
  }
  runtime.metrics.cache.increment({ kind: "semantic", result: "miss" });
  return { miss: { request: semantic, embedding, requestId: context.requestId } };
}

/** Stores a new answer in the semantic cache after the response (a failure only skips it). */
export function storeSemanticAnswer(
  runtime: GatewayRuntime,
  miss: SemanticMiss | undefined,
  answer: StoredAnswer,
  tier: string,
): void {
  const store = runtime.semanticCache;
  if (!store || !miss) return;
  runtime.background.run(
    store
      .store({
        ...miss.request.scope,
        embedding: miss.embedding,
        response: semanticResponse(answer),
        ttlSeconds: runtime.config.cacheTtlSeconds,
        ...(tier === "none" ? {} : { tier }),
        ...(miss.request.sourceKey === undefined ? {} : { sourceKey: miss.request.sourceKey }),
      })
      .then((outcome) =>
        runtime.logger.debug("semantic_cache_stored", { requestId: miss.requestId, outcome }),
      ),
  );
}

/** Writes an answer to the cache without waiting; a failure is counted by the store guard. */
export function storeAnswer(
  runtime: GatewayRuntime,
  space: CacheSpace,
  key: string | undefined,
  answer: StoredAnswer,
): void {
  if (key === undefined) return;
  runtime.background.run(
    runtime.store.set(key, encodeStoredAnswer(answer), { ttlSeconds: space.ttlSeconds }),
  );
}

/**
 * The route without candidates whose provider cannot be called (no API key for a public API).
 * @throws ProvidersUnavailableError (503) naming what is missing when no candidate is left.
 */
export function configuredRoute(
  route: Route,
  notConfigured: (candidate: Candidate) => string | undefined,
): Route {
  const skipped: string[] = [];
  const candidates = route.candidates.filter((candidate) => {
    const reason = notConfigured(candidate);
    if (reason !== undefined) skipped.push(`${candidate.provider}/${candidate.model}: ${reason}`);
    return reason === undefined;
  });
  if (candidates.length === 0) {
    throw new ProvidersUnavailableError(
      `No candidate's provider is configured: ${skipped.join("; ")}.`,
    );
  }
  return skipped.length === 0 ? route : { ...route, candidates };
}

/** What an attempt is, and how to price it, for {@link execute}. */
export interface ExecutionPlan<T> {
  /** The candidates. */
  route: Route;
  /** The budget reservation for a candidate (0 without a cap). */
  estimate: (candidate: Candidate) => number;
  /** One upstream attempt. */
  attempt: (candidate: Candidate, context: AttemptContext) => Promise<T>;
  /** Removes prompt text from provider messages before they reach logs or the client. */
  scrub: (text: string) => string;
  /** The GenAI operation of the attempts. @default "chat" */
  operation?: "chat" | "embeddings";
}

/** Runs the candidates and records who answered in the request outcome. */
export async function execute<T>(
  runtime: GatewayRuntime,
  context: RequestContext,
  plan: ExecutionPlan<T>,
): Promise<ExecutionResult<T>> {
  const counter: AttemptCounter = { attempts: 0 };
  try {
    const result = await withSpan(runtime.tracer, "Router", context.span, (span) =>
      executeCandidates(
        plan.operation === undefined
          ? runtime.executor
          : { ...runtime.executor, operation: plan.operation },
        plan.route,
        span === noopSpan ? context.scope : { ...context.scope, span },
        plan.estimate,
        plan.attempt,
        counter,
        plan.scrub,
      ),
    );
    context.outcome.provider = result.candidate.provider;
    context.outcome.model = result.candidate.model;
    context.outcome.attempts = result.attempts;
    // A route over several tiers (`tier:auto`) reports the one that answered.
    if (result.candidate.tier) context.outcome.tier = result.candidate.tier.name;
    return result;
  } catch (error) {
    context.outcome.attempts = counter.attempts;
    throw error;
  }
}

/** A non-streamed answer: its stored form and its usage. */
export interface SettledAnswer {
  /** Provider, model and the JSON body as sent. */
  answer: StoredAnswer;
  /** Token usage, for the spend. */
  usage: Usage | undefined;
}

/** The outcome of {@link answerOnce}. */
export interface AnswerOutcome {
  /** The answer (from the cache or upstream). */
  answer: StoredAnswer;
  /** `hit`, `miss` or `bypass`. */
  cache: CacheResult;
  /** Upstream attempts (0 on a hit). */
  attempts: number;
}

/**
 * The whole pipeline for a non-streamed answer: look up, execute, settle the spend, store, and
 * hand the leader's answer to its single-flight followers.
 */
export async function answerOnce<T>(
  runtime: GatewayRuntime,
  context: RequestContext,
  space: CacheSpace,
  key: string | undefined,
  plan: ExecutionPlan<T>,
  toAnswer: (value: T, candidate: Candidate) => SettledAnswer,
): Promise<AnswerOutcome> {
  const lookup = await lookUp(runtime, context, space, key);
  if (lookup.answer) return { answer: lookup.answer, cache: "hit", attempts: 0 };
  try {
    const result = await execute(runtime, context, plan);
    const { answer, usage } = toAnswer(result.value, result.candidate);
    settleSpend(runtime, context, result.candidate, result.reservation, usage);
    storeAnswer(runtime, space, lookup.key, answer);
    lookup.finishFlight?.(answer);
    return { answer, cache: lookup.cache, attempts: result.attempts };
  } catch (error) {
    lookup.finishFlight?.(undefined);
    throw error;
  }
}

/** The JSON response of an answer, with the `x-llm-*` headers. */
export function answerResponse(
  context: RequestContext,
  outcome: AnswerOutcome,
  body: string = outcome.answer.body,
  extraHeaders: Record<string, string> = {},
): Response {
  return jsonTextResponse(200, body, {
    ...answerHeaders(
      context,
      outcome.answer.provider,
      outcome.answer.model,
      outcome.cache,
      outcome.attempts,
    ),
    ...extraHeaders,
  });
}
