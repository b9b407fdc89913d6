import { UpstreamProtocolError } from "../errors.ts";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from "../openai-types.ts";
import { AnthropicChunkSource } from "./anthropic-stream.ts";
import {
  fromAnthropicResponse,
  translateToAnthropic,
  unsupportedOnAnthropic,
  type AnthropicResponse,
} from "./anthropic-translate.ts";
import { parsedChunks, type ChunkSource } from "./chunk-source.ts";
import type { AttemptContext, ChatProvider, ResponseLimits } from "./provider.ts";
import { postJson, readJson } from "./upstream-fetch.ts";

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

  async streamChunks(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChunkSource> {
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
    return new AnthropicChunkSource(this.name, response.body, context.signal, {
      model,
      structuredTool,
      maxEventBytes: this.options.limits.maxEventBytes,
    });
  }

  /** {@link streamChunks} as parsed chunk objects. */
  async stream(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<AsyncIterator<ChatCompletionChunk>> {
    return parsedChunks(await this.streamChunks(request, model, context));
  }
}
