import { answerHeaders, wantsNoCache, type CacheResult } from "../cache/answer-headers.ts";
import { cacheKey, chatKeyMaterial, isCacheable } from "../cache/cache-key.ts";
import { cacheDistanceHeader } from "../cache/semantic-cache.ts";
import type { StoredAnswer } from "../cache/cached-answer.ts";
import { InvalidRequestError, UpstreamProtocolError } from "../errors.ts";
import { jsonTextResponse } from "../http.ts";
import type { ChatCompletion, ChatCompletionRequest } from "../openai-types.ts";
import { cacheScopeOf, type Caller } from "../request/caller.ts";
import { createPromptScrubber, promptTexts } from "../request/prompt-scrubber.ts";
import type { RequestContext } from "../request/request-context.ts";
import { isJsonText, structuredOutputOf } from "../request/structured-output.ts";
import {
  autoTierModel,
  resolveAutoRoute,
  resolveRoute,
  type Candidate,
  type Route,
} from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { estimateChatCost } from "../spend/cost-estimate.ts";
import { settleSpend } from "../spend/spend.ts";
import {
  configuredRoute,
  execute,
  lookUp,
  lookUpSemantic,
  storeAnswer,
  storeSemanticAnswer,
  type CacheSpace,
} from "./answer-pipeline.ts";
import type { AnswerFormat } from "./answer-format.ts";
import { chunksFromCompletion } from "./completion-assembly.ts";
import { sseHeaders } from "./sse-response.ts";
import { openStream } from "./stream-open.ts";
import { pumpStream } from "./stream-pump.ts";

/** Request header by which a client asks for a 400 instead of silently ignored parameters. */
export const strictParametersHeader = "x-llm-strict-parameters";

/** Response header listing the request members the answering provider could not honour. */
export const ignoredParametersHeader = "x-llm-ignored-parameters";

/**
 * Refuses tool-call argument text that is not JSON: a provider that needs the arguments parsed
 * (Anthropic) would otherwise get `{}` and answer about a call that never happened.
 * @throws InvalidRequestError naming `messages.<i>.tool_calls.<j>.function.arguments`.
 */
export function checkToolArguments(chat: ChatCompletionRequest): void {
  chat.messages.forEach((message, messageIndex) => {
    message.tool_calls?.forEach((call, callIndex) => {
      const text = call.function.arguments;
      if (text.trim() !== "" && !isJsonText(text)) {
        throw new InvalidRequestError(
          `Invalid "messages.${messageIndex}.tool_calls.${callIndex}.function.arguments": must be JSON text.`,
          "invalid_value",
          `messages.${messageIndex}.tool_calls.${callIndex}.function.arguments`,
        );
      }
    });
  });
}

/** The route for a chat request: tier or model, `n`, configured providers and strictness. */
function chatRoute(runtime: GatewayRuntime, request: Request, chat: ChatCompletionRequest): Route {
  let route =
    chat.model === autoTierModel
      ? resolveAutoRoute(runtime.config.routing, runtime.config.tierLadder)
      : resolveRoute(runtime.config.routing, chat.model);
  const unsupported = (candidate: Candidate): string[] =>
    runtime.chatProviders.get(candidate.provider)?.unsupportedParameters(chat) ?? [];
  if ((chat.n ?? 1) > 1) {
    // Anthropic has no `n`: only providers that can return several choices stay candidates.
    route = {
      ...route,
      candidates: route.candidates.filter((candidate) => candidate.provider !== "anthropic"),
    };
    if (route.candidates.length === 0) {
      throw new InvalidRequestError(
        `"n" > 1 is not supported by any candidate of "${chat.model}".`,
        "unsupported_value",
        "n",
      );
    }
  }
  if (request.headers.get(strictParametersHeader)?.trim().toLowerCase() === "true") {
    const able = route.candidates.filter((candidate) => unsupported(candidate).length === 0);
    if (able.length === 0) {
      const parameter = unsupported(route.candidates[0] as Candidate)[0] as string;
      throw new InvalidRequestError(
        `"${parameter}" is not supported by any candidate of "${chat.model}" (${strictParametersHeader}: true).`,
        "unsupported_parameter",
        parameter,
      );
    }
    route = { ...route, candidates: able };
  }
  return configuredRoute(
    route,
    (candidate) => runtime.chatProviders.get(candidate.provider)?.notConfigured,
  );
}

function ignoredHeaders(
  runtime: GatewayRuntime,
  chat: ChatCompletionRequest,
  provider: string,
): Record<string, string> {
  const ignored = runtime.chatProviders.get(provider)?.unsupportedParameters(chat) ?? [];
  return ignored.length === 0 ? {} : { [ignoredParametersHeader]: ignored.join(",") };
}

/** Refuses a structured answer that is not JSON: never prose with status 200. */
function checkStructured(provider: string, completion: ChatCompletion): ChatCompletion {
  for (const choice of completion.choices) {
    const content = choice.message.content;
    if ((choice.message.tool_calls?.length ?? 0) > 0) continue;
    if (typeof content !== "string" || !isJsonText(content)) {
      throw new UpstreamProtocolError(
        provider,
        "the answer is not valid JSON although response_format asked for it",
      );
    }
  }
  return completion;
}

function respondFromCache(
  context: RequestContext,
  answer: StoredAnswer,
  format: AnswerFormat,
  stream: boolean,
  includeUsage: boolean,
  cache: "hit" | "semantic" = "hit",
  extraHeaders: Record<string, string> = {},
): Response {
  const headers = {
    ...answerHeaders(context, answer.provider, answer.model, cache, 0),
    ...extraHeaders,
  };
  if (!stream) return jsonTextResponse(200, format.json(answer.body), headers);
  const completion = JSON.parse(answer.body) as ChatCompletion;
  const encoder = format.encoder(includeUsage);
  const frames: Uint8Array[] = [];
  for (const chunk of chunksFromCompletion(completion, includeUsage)) {
    const frame = encoder.chunk(chunk);
    if (frame) frames.push(frame);
  }
  frames.push(encoder.done(completion));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { ...sseHeaders, ...headers } });
}

/**
 * Serves a validated chat request through the answer pipeline (look up -> execute -> settle ->
 * store) and presents the answer in `format`: Chat Completions, or Responses for `/v1/responses`.
 */
export async function serveChat(
  runtime: GatewayRuntime,
  request: Request,
  chat: ChatCompletionRequest,
  context: RequestContext,
  caller: Caller,
  format: AnswerFormat,
): Promise<Response> {
  checkToolArguments(chat);
  const route = chatRoute(runtime, request, chat);
  context.outcome.tier = route.tier.name;
  const stream = chat.stream === true;
  context.outcome.stream = stream;
  const includeUsage = stream && chat.stream_options?.include_usage === true;
  const structured = structuredOutputOf(chat) !== undefined;

  const space: CacheSpace = {
    kind: "response",
    flights: runtime.responseFlights,
    ttlSeconds: runtime.config.cacheTtlSeconds,
  };
  const cacheable = !wantsNoCache(request) && isCacheable(chat, runtime.config.cacheMaxTemperature);
  const scope = cacheScopeOf(request, caller, chat.user);
  const lookup = await lookUp(
    runtime,
    context,
    space,
    cacheable
      ? await cacheKey(
          "response",
          `${scope}|version:${runtime.config.cacheVersion}`,
          chatKeyMaterial(chat),
        )
      : undefined,
  );
  if (lookup.answer) return respondFromCache(context, lookup.answer, format, stream, includeUsage);
  const { key, finishFlight } = lookup;
  const cache: CacheResult = lookup.cache;
  let semantic: Awaited<ReturnType<typeof lookUpSemantic>>;
  try {
    semantic = cacheable ? await lookUpSemantic(runtime, context, request, chat, scope) : {};
  } catch (error) {
    finishFlight?.(undefined);
    throw error;
  }
  if (semantic.hit) {
    const { answer, distance } = semantic.hit;
    // The paraphrase's answer becomes this exact request's too.
    storeAnswer(runtime, space, key, answer);
    finishFlight?.(answer);
    return respondFromCache(context, answer, format, stream, includeUsage, "semantic", {
      [cacheDistanceHeader]: distance.toFixed(4),
    });
  }

  const estimate = (candidate: Candidate): number =>
    runtime.budget.capped
      ? estimateChatCost(
          runtime.config.prices,
          candidate.model,
          chat,
          runtime.config.defaultMaxTokens,
        )
      : 0;
  const scrub = createPromptScrubber(promptTexts(chat.messages));
  try {
    if (!stream) {
      const result = await execute(runtime, context, {
        route,
        estimate,
        scrub,
        attempt: async (candidate, attempt) => {
          const provider = runtime.chatProviders.get(candidate.provider);
          if (!provider)
            throw new UpstreamProtocolError(candidate.provider, "provider not configured");
          const completion = await provider.complete(chat, candidate.model, attempt);
          return structured ? checkStructured(candidate.provider, completion) : completion;
        },
      });
      const { candidate, value: completion } = result;
      settleSpend(runtime, context, candidate, result.reservation, completion.usage);
      const answer: StoredAnswer = {
        provider: candidate.provider,
        model: candidate.model,
        body: JSON.stringify(completion),
      };
      storeAnswer(runtime, space, key, answer);
      storeSemanticAnswer(runtime, semantic.miss, answer, context.outcome.tier);
      finishFlight?.(answer);
      return jsonTextResponse(200, format.json(answer.body), {
        ...answerHeaders(context, candidate.provider, candidate.model, cache, result.attempts),
        ...ignoredHeaders(runtime, chat, candidate.provider),
      });
    }
    const result = await execute(runtime, context, {
      route,
      estimate,
      scrub,
      attempt: (candidate, attempt) => openStream(runtime, chat, candidate, attempt),
    });
    context.deferred = true;
    const body = pumpStream(runtime, context, result, {
      encoder: format.encoder(includeUsage),
      idleMs: runtime.config.attemptTimeoutMs,
      structured,
      // Only an answer that will be stored is assembled from the passed-through chunks.
      assemble: key !== undefined || semantic.miss !== undefined,
      maxAnswerBytes: runtime.config.maxResponseBytes,
      redact: (text) => runtime.redact(scrub(text)),
      onFinished: (answer) => {
        if (answer) {
          storeAnswer(runtime, space, key, answer);
          storeSemanticAnswer(runtime, semantic.miss, answer, context.outcome.tier);
        }
        finishFlight?.(answer);
      },
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
        ...ignoredHeaders(runtime, chat, result.candidate.provider),
      },
    });
  } catch (error) {
    finishFlight?.(undefined);
    throw error;
  }
}
