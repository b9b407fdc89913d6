import { lookUpCachedAnswer } from "./cache-lookup.ts";
import { answerHeaders, wantsNoCache } from "./answer-headers.ts";
import { cacheKey, chatKeyMaterial, isDeterministic } from "./cache-key.ts";
import { cacheScopeOf, type Caller } from "./caller.ts";
import { chunksFromCompletion, CompletionAssembler } from "./completion-assembly.ts";
import { estimateChatCost } from "./cost-estimate.ts";
import { InvalidRequestError, UpstreamProtocolError, UpstreamTimeoutError } from "./errors.ts";
import {
  executeCandidates,
  type AttemptCounter,
  type ExecutionResult,
} from "./execute-candidates.ts";
import type { Reservation } from "./budget.ts";
import { jsonTextResponse } from "./http.ts";
import { encodeStoredAnswer, type StoredAnswer } from "./cached-answer.ts";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Usage,
} from "./openai-types.ts";
import { computeCost } from "./prices.ts";
import type { AttemptContext } from "./providers/provider.ts";
import type { RequestContext } from "./request-context.ts";
import { parseChatRequest } from "./request-schema.ts";
import { resolveRoute, type Candidate, type Route } from "./routing.ts";
import type { GatewayRuntime } from "./runtime.ts";
import {
  doneFrame,
  isMeaningfulChunk,
  isUsageChunk,
  replayStream,
  sseFrame,
  sseHeaders,
} from "./sse-response.ts";

/** A stream whose first meaningful chunk has arrived: the point after which there is no fallback. */
interface OpenedStream {
  buffered: ChatCompletionChunk[];
  iterator: AsyncIterator<ChatCompletionChunk>;
  finished: boolean;
  /** Cancels the upstream body, which also settles an iterator that is waiting on it. */
  abort: () => void;
}

async function openStream(
  runtime: GatewayRuntime,
  request: ChatCompletionRequest,
  candidate: Candidate,
  attempt: AttemptContext,
): Promise<OpenedStream> {
  const provider = runtime.chatProviders.get(candidate.provider);
  if (!provider) throw new UpstreamProtocolError(candidate.provider, "provider not configured");
  // The attempt's signal stops mattering once the stream is committed; this one outlives it.
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const iterator = await provider.stream(request, candidate.model, {
    ...attempt,
    signal: AbortSignal.any([attempt.signal, controller.signal]),
  });
  const buffered: ChatCompletionChunk[] = [];
  try {
    while (true) {
      const next = await iterator.next();
      if (next.done) {
        if (!buffered.some(isMeaningfulChunk))
          throw new UpstreamProtocolError(candidate.provider, "stream ended without content");
        return { buffered, iterator, finished: true, abort };
      }
      buffered.push(next.value);
      if (isMeaningfulChunk(next.value)) return { buffered, iterator, finished: false, abort };
    }
  } catch (error) {
    abort();
    await iterator.return?.(undefined)?.catch?.(() => undefined);
    throw error;
  }
}

function recordUsage(
  runtime: GatewayRuntime,
  context: RequestContext,
  candidate: Candidate,
  usage: Usage | undefined,
): number {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  const cost = computeCost(runtime.config.prices, candidate.model, input, output);
  runtime.metrics.recordUsage(candidate.provider, candidate.model, input, output, cost);
  context.outcome.costUsd = cost;
  return cost;
}

/**
 * Records usage and settles the budget reservation to the actual cost. An answer without usage
 * (some OpenAI-compatible servers ignore `stream_options`) keeps its reservation as the spend:
 * counting it as free would let the cap be passed.
 */
function settleSpend(
  runtime: GatewayRuntime,
  context: RequestContext,
  candidate: Candidate,
  reservation: Reservation,
  usage: Usage | undefined,
): void {
  const cost = recordUsage(runtime, context, candidate, usage);
  if (usage === undefined) {
    runtime.logger.warn("usage_missing", {
      requestId: context.requestId,
      provider: candidate.provider,
      model: candidate.model,
    });
    return;
  }
  void runtime.budget.settle(reservation, cost).catch(() => undefined);
}

function storeAnswer(runtime: GatewayRuntime, key: string | undefined, answer: StoredAnswer): void {
  if (key === undefined) return;
  // Not awaited: the client never waits for the cache write; a failure is counted by the store guard.
  runtime.store
    .set(key, encodeStoredAnswer(answer), { ttlSeconds: runtime.config.cacheTtlSeconds })
    .catch(() => undefined);
}

function respondFromCache(
  context: RequestContext,
  answer: StoredAnswer,
  stream: boolean,
  includeUsage: boolean,
): Response {
  context.outcome.provider = answer.provider;
  context.outcome.model = answer.model;
  const headers = answerHeaders(context, answer.provider, answer.model, "hit", 0);
  if (stream) {
    const completion = JSON.parse(answer.body) as ChatCompletion;
    return new Response(replayStream(chunksFromCompletion(completion, includeUsage)), {
      status: 200,
      headers: { ...sseHeaders, ...headers },
    });
  }
  return jsonTextResponse(200, answer.body, headers);
}

/** `POST /v1/chat/completions`. */
export async function handleChat(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  const chat = parseChatRequest(body);
  let route: Route = resolveRoute(runtime.config.routing, chat.model);
  if ((chat.n ?? 1) > 1) {
    // Anthropic has no `n`: only providers that can return several choices stay candidates.
    route = {
      ...route,
      candidates: route.candidates.filter((candidate) => candidate.provider === "openai"),
    };
    if (route.candidates.length === 0) {
      throw new InvalidRequestError(
        `"n" > 1 is not supported by any candidate of "${chat.model}".`,
        "unsupported_value",
        "n",
      );
    }
  }
  context.outcome.tier = route.tier.name;
  const stream = chat.stream === true;
  context.outcome.stream = stream;
  const includeUsage = stream && chat.stream_options?.include_usage === true;

  const cacheable = !wantsNoCache(request) && isDeterministic(chat);
  const lookup = await lookUpCachedAnswer(
    runtime.store,
    runtime.responseFlights,
    cacheable
      ? cacheKey("response", cacheScopeOf(request, caller, chat.user), chatKeyMaterial(chat))
      : undefined,
  );
  if (lookup.answer) {
    runtime.metrics.cache.increment({ kind: "response", result: "hit" });
    context.outcome.cache = "hit";
    return respondFromCache(context, lookup.answer, stream, includeUsage);
  }
  const { cache, key, finishFlight } = lookup;
  runtime.metrics.cache.increment({ kind: "response", result: cache });
  context.outcome.cache = cache;

  const counter: AttemptCounter = { attempts: 0 };
  const estimate = (candidate: Candidate): number =>
    runtime.budget.capped
      ? estimateChatCost(
          runtime.config.prices,
          candidate.model,
          chat,
          runtime.config.defaultMaxTokens,
        )
      : 0;
  try {
    if (!stream) {
      const result = await executeCandidates(
        runtime.executor,
        route,
        context.scope,
        estimate,
        (candidate, attempt) => {
          const provider = runtime.chatProviders.get(candidate.provider);
          if (!provider)
            throw new UpstreamProtocolError(candidate.provider, "provider not configured");
          return provider.complete(chat, candidate.model, attempt);
        },
        counter,
      );
      const { candidate, value: completion } = result;
      context.outcome.provider = candidate.provider;
      context.outcome.model = candidate.model;
      context.outcome.attempts = result.attempts;
      settleSpend(runtime, context, candidate, result.reservation, completion.usage);
      const answer: StoredAnswer = {
        provider: candidate.provider,
        model: candidate.model,
        body: JSON.stringify(completion),
      };
      storeAnswer(runtime, key, answer);
      finishFlight?.(answer);
      return jsonTextResponse(
        200,
        answer.body,
        answerHeaders(context, candidate.provider, candidate.model, cache, result.attempts),
      );
    }
    const result = await executeCandidates(
      runtime.executor,
      route,
      context.scope,
      estimate,
      (candidate, attempt) => openStream(runtime, chat, candidate, attempt),
      counter,
    );
    context.outcome.provider = result.candidate.provider;
    context.outcome.model = result.candidate.model;
    context.outcome.attempts = result.attempts;
    context.deferred = true;
    const body = pumpStream(runtime, context, result, includeUsage, (answer) => {
      if (answer) storeAnswer(runtime, key, answer);
      finishFlight?.(answer);
    });
    return new Response(body, {
      status: 200,
      headers: {
        ...sseHeaders,
        ...answerHeaders(
          context,
          result.candidate.provider,
          result.candidate.model,
          cache,
          result.attempts,
        ),
      },
    });
  } catch (error) {
    context.outcome.attempts = counter.attempts;
    finishFlight?.(undefined);
    throw error;
  }
}

/**
 * The next chunk, or an `UpstreamTimeoutError` when the provider stays silent for `idleMs`: after
 * the commit point a stalled stream must still end (with an error event), never hang.
 */
async function nextWithin(
  iterator: AsyncIterator<ChatCompletionChunk>,
  idleMs: number,
): Promise<IteratorResult<ChatCompletionChunk>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UpstreamTimeoutError(
            "upstream",
            `no chunk for ${idleMs} ms (LLM_ATTEMPT_TIMEOUT_MS)`,
          ),
        ),
      idleMs,
    );
  });
  try {
    return await Promise.race([iterator.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Streams the committed answer: the buffered chunks, then the rest as they arrive. A failure after
 * the commit point ends the stream with an SSE error event and no `[DONE]`, so the client can tell
 * a cut answer from a complete one.
 */
function pumpStream(
  runtime: GatewayRuntime,
  context: RequestContext,
  result: ExecutionResult<OpenedStream>,
  includeUsage: boolean,
  onFinished: (answer: StoredAnswer | undefined) => void,
): ReadableStream<Uint8Array> {
  const { candidate, reservation } = result;
  const { iterator } = result.value;
  const pending = [...result.value.buffered];
  let finished = result.value.finished;
  const assembler = new CompletionAssembler();
  let closed = false;

  /** Enqueues a chunk for the client; returns false when it was consumed silently (usage not asked for). */
  const forward = (
    chunk: ChatCompletionChunk,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean => {
    assembler.add(chunk);
    if (isUsageChunk(chunk)) {
      if (includeUsage) controller.enqueue(sseFrame(chunk));
      return includeUsage;
    }
    if (!includeUsage && chunk.usage !== undefined) {
      const { usage: _usage, ...rest } = chunk;
      controller.enqueue(sseFrame(rest));
      return true;
    }
    controller.enqueue(sseFrame(chunk));
    return true;
  };

  const succeed = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    closed = true;
    controller.enqueue(doneFrame);
    controller.close();
    settleSpend(runtime, context, candidate, reservation, assembler.usage);
    onFinished({
      provider: candidate.provider,
      model: candidate.model,
      body: JSON.stringify(assembler.completion()),
    });
    context.complete(200);
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void => {
    closed = true;
    const message = error instanceof Error ? error.message : String(error);
    controller.enqueue(
      sseFrame({
        error: {
          message: `The upstream stream failed after it started: ${message}`,
          type: "api_error",
          code: "upstream_stream_error",
        },
      }),
    );
    controller.close();
    // The reservation stays as the spend: the provider bills the partial answer and usage is unknown.
    runtime.metrics.attempts.increment({ provider: candidate.provider, outcome: "stream_error" });
    result.value.abort();
    onFinished(undefined);
    context.complete(200, message);
  };

  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (closed) return;
      while (pending.length > 0) forward(pending.shift() as ChatCompletionChunk, controller);
      if (finished) return succeed(controller);
      try {
        // A pull that enqueues nothing is not called again by the stream machinery: keep reading
        // until something reaches the client or the stream ends.
        while (true) {
          const next = await nextWithin(iterator, runtime.config.attemptTimeoutMs);
          if (next.done) {
            finished = true;
            return succeed(controller);
          }
          if (forward(next.value, controller)) return;
        }
      } catch (error) {
        fail(controller, error);
      }
    },
    cancel: async () => {
      closed = true;
      onFinished(undefined);
      context.complete(499, "client closed the stream");
      result.value.abort();
      await iterator.return?.(undefined);
    },
  });
}
