import { parseServerSentEvents, ServerSentEventTooLargeError } from "../../_shared/sse.ts";
import { UpstreamHttpError, UpstreamProtocolError } from "../errors.ts";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from "../openai-types.ts";
import {
  AnthropicStreamTranslator,
  fromAnthropicResponse,
  translateToAnthropic,
  unsupportedOnAnthropic,
  type AnthropicResponse,
  type StructuredOutputTool,
} from "./anthropic-translate.ts";
import type { AttemptContext, ChatProvider, ResponseLimits } from "./provider.ts";
import { postJson, readJson, streamReadError } from "./upstream-fetch.ts";

/** Settings of {@link AnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** `ANTHROPIC_API_KEY`, sent as `x-api-key`. */
  apiKey: string | undefined;
  /** `ANTHROPIC_BASE_URL`, without `/v1`. @example "https://api.anthropic.com" */
  baseUrl: string;
  /** `LLM_RETRY_AFTER_CAP_MS`. */
  retryAfterCapMs: number;
  /** `LLM_DEFAULT_MAX_TOKENS`, Anthropic's required `max_tokens` when the request sets none. */
  defaultMaxTokens: number;
  /** Bounds on answers and stream events. */
  limits: ResponseLimits;
  /** True when the base URL is Anthropic's public API, which refuses requests without a key. */
  requiresKey: boolean;
}

/** The Messages API version header value this adapter speaks. */
export const anthropicVersion = "2023-06-01";

/** Anthropic Messages API, answered in OpenAI's chat completion shape. */
export class AnthropicProvider implements ChatProvider {
  readonly name = "anthropic";
  readonly notConfigured: string | undefined;
  private readonly baseHeaders: Record<string, string>;
  private readonly url: string;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.notConfigured =
      options.requiresKey && !options.apiKey ? "ANTHROPIC_API_KEY is not set" : undefined;
    this.baseHeaders = {
      "anthropic-version": anthropicVersion,
      ...(options.apiKey ? { "x-api-key": options.apiKey } : {}),
    };
    this.url = `${options.baseUrl}/v1/messages`;
  }

  unsupportedParameters(request: ChatCompletionRequest): string[] {
    return unsupportedOnAnthropic(request);
  }

  async complete(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChatCompletion> {
    const { body, structuredTool } = translateToAnthropic(
      request,
      model,
      this.options.defaultMaxTokens,
      false,
    );
    const response = await postJson(
      this.name,
      this.url,
      { ...this.baseHeaders, ...context.headers },
      body,
      context.signal,
      this.options.retryAfterCapMs,
    );
    const message = await readJson<AnthropicResponse>(
      this.name,
      response,
      context.signal,
      this.options.limits.maxResponseBytes,
    );
    if (typeof message !== "object" || message === null || !Array.isArray(message.content)) {
      throw new UpstreamProtocolError(this.name, "response has no content array");
    }
    return fromAnthropicResponse(message, undefined, structuredTool);
  }

  async stream(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<AsyncIterator<ChatCompletionChunk>> {
    const { body, structuredTool } = translateToAnthropic(
      request,
      model,
      this.options.defaultMaxTokens,
      true,
    );
    const response = await postJson(
      this.name,
      this.url,
      { ...this.baseHeaders, accept: "text/event-stream", ...context.headers },
      body,
      context.signal,
      this.options.retryAfterCapMs,
    );
    if (!response.body)
      throw new UpstreamProtocolError(this.name, "streaming response has no body");
    return this.chunks(response.body, model, context.signal, structuredTool);
  }

  private async *chunks(
    body: ReadableStream<Uint8Array>,
    model: string,
    signal: AbortSignal,
    structuredTool: StructuredOutputTool | undefined,
  ): AsyncGenerator<ChatCompletionChunk> {
    const events = parseServerSentEvents(body, {
      maxEventBytes: this.options.limits.maxEventBytes,
    });
    const translator = new AnthropicStreamTranslator(model, undefined, structuredTool);
    let ended = false;
    try {
      while (!ended) {
        let next: IteratorResult<{ event: string; data: string }>;
        try {
          next = await events.next();
        } catch (error) {
          if (error instanceof ServerSentEventTooLargeError)
            throw new UpstreamProtocolError(
              this.name,
              `stream event larger than LLM_MAX_EVENT_BYTES (${error.limit} bytes)`,
            );
          throw streamReadError(this.name, error, signal);
        }
        if (next.done) break;
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(next.value.data) as Record<string, unknown>;
        } catch {
          throw new UpstreamProtocolError(this.name, "malformed JSON in stream event");
        }
        // The event name is also in data.type; prefer the SSE field, as Anthropic's SDK does.
        const step = translator.step(
          next.value.event === "message" ? String(data.type ?? "") : next.value.event,
          data,
        );
        if (step.kind === "chunk") yield step.chunk;
        else if (step.kind === "error")
          throw new UpstreamHttpError(this.name, step.status, `stream error: ${step.message}`);
        else if (step.kind === "end") ended = true;
      }
    } finally {
      await events.return(undefined);
    }
    if (!ended) throw new UpstreamProtocolError(this.name, "stream ended before message_stop");
    yield translator.usageChunk();
  }
}
