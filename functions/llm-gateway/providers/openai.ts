import { UpstreamProtocolError } from "../errors.ts";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai-types.ts";
import type {
  AttemptContext,
  ChatProvider,
  EmbeddingProvider,
  ResponseLimits,
} from "./provider.ts";
import { parsedChunks, type ChunkSource } from "./chunk-source.ts";
import { OpenAiChunkSource } from "./openai-stream.ts";
import { postJson, readJson } from "./upstream-fetch.ts";

/** Settings of {@link OpenAiProvider}. */
export interface OpenAiProviderOptions {
  /**
   * The provider's name in routes, metrics and headers.
   * @default "openai"
   * @example "gemini"
   */
  name?: string;
  /** Its API key; requests go without Authorization when unset (e.g. a local server). */
  apiKey: string | undefined;
  /**
   * The variable the key comes from, for the "not configured" message.
   * @default "OPENAI_API_KEY"
   */
  apiKeyVariable?: string | undefined;
  /** Base URL including the version path. @example "https://api.openai.com/v1" */
  baseUrl: string;
  /** `LLM_RETRY_AFTER_CAP_MS`. */
  retryAfterCapMs: number;
  /** Bounds on answers and stream events. */
  limits: ResponseLimits;
  /** True when the base URL is a public API that refuses requests without a key. */
  requiresKey: boolean;
}

/** Members the gateway consumes itself and never forwards. */
const gatewayOnlyMembers = new Set(["model", "stream", "stream_options", "user"]);

function upstreamBody(request: ChatCompletionRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  for (const key in request) {
    if (!gatewayOnlyMembers.has(key) && request[key] !== undefined) body[key] = request[key];
  }
  return body;
}

/**
 * OpenAI Chat Completions and Embeddings, or any OpenAI-compatible server (Gemini's
 * OpenAI-compatible endpoint, Groq, Mistral, a local server): the request is passed through.
 */
export class OpenAiProvider implements ChatProvider, EmbeddingProvider {
  readonly name: string;
  readonly notConfigured: string | undefined;
  private readonly authorization: Record<string, string>;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.name = options.name ?? "openai";
    this.authorization = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
    this.notConfigured =
      options.requiresKey && !options.apiKey
        ? `${options.apiKeyVariable ?? "OPENAI_API_KEY"} is not set`
        : undefined;
  }

  unsupportedParameters(): string[] {
    return [];
  }

  async complete(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChatCompletion> {
    const response = await postJson(
      this.name,
      `${this.options.baseUrl}/chat/completions`,
      { ...this.authorization, ...context.headers },
      upstreamBody(request, model),
      context.signal,
      this.options.retryAfterCapMs,
    );
    const completion = await readJson<ChatCompletion>(
      this.name,
      response,
      context.signal,
      this.options.limits.maxResponseBytes,
    );
    if (
      typeof completion !== "object" ||
      completion === null ||
      !Array.isArray(completion.choices)
    ) {
      throw new UpstreamProtocolError(this.name, "response has no choices array");
    }
    return completion;
  }

  async streamChunks(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChunkSource> {
    // Usage is always requested upstream: cost is computed from it even when the client did not ask.
    const body = {
      ...upstreamBody(request, model),
      stream: true,
      stream_options: { include_usage: true },
    };
    const response = await postJson(
      this.name,
      `${this.options.baseUrl}/chat/completions`,
      { ...this.authorization, accept: "text/event-stream", ...context.headers },
      body,
      context.signal,
      this.options.retryAfterCapMs,
    );
    if (!response.body)
      throw new UpstreamProtocolError(this.name, "streaming response has no body");
    return new OpenAiChunkSource(
      this.name,
      response.body,
      context.signal,
      this.options.limits.maxEventBytes,
    );
  }

  /** {@link streamChunks} as parsed chunk objects. */
  async stream(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<AsyncIterator<ChatCompletionChunk>> {
    return parsedChunks(await this.streamChunks(request, model, context));
  }

  async embed(
    request: EmbeddingRequest,
    model: string,
    context: AttemptContext,
  ): Promise<EmbeddingResponse> {
    const body: Record<string, unknown> = { model, input: request.input };
    if (request.dimensions !== undefined) body.dimensions = request.dimensions;
    if (request.encoding_format !== undefined) body.encoding_format = request.encoding_format;
    const response = await postJson(
      this.name,
      `${this.options.baseUrl}/embeddings`,
      { ...this.authorization, ...context.headers },
      body,
      context.signal,
      this.options.retryAfterCapMs,
    );
    const embeddings = await readJson<EmbeddingResponse>(
      this.name,
      response,
      context.signal,
      this.options.limits.maxResponseBytes,
    );
    if (typeof embeddings !== "object" || embeddings === null || !Array.isArray(embeddings.data)) {
      throw new UpstreamProtocolError(this.name, "response has no data array");
    }
    return embeddings;
  }
}
