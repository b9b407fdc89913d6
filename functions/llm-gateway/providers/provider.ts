import type {
  ChatCompletion,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai-types.ts";
import type { ProviderName } from "../resilience/routing.ts";
import type { ChunkSource } from "./chunk-source.ts";

/** Per-attempt inputs every adapter call receives. */
export interface AttemptContext {
  /** Aborts on the attempt timeout, the request deadline or the client going away. */
  signal: AbortSignal;
  /** Extra upstream headers, e.g. `traceparent`. */
  headers: Readonly<Record<string, string>>;
}

/** Size bounds on what a provider sends back. */
export interface ResponseLimits {
  /** `LLM_MAX_RESPONSE_BYTES`: largest JSON answer. */
  maxResponseBytes: number;
  /** `LLM_MAX_EVENT_BYTES`: largest server-sent event of a stream. */
  maxEventBytes: number;
}

/** A provider that answers chat completions in OpenAI's shape, whatever its own wire format. */
export interface ChatProvider {
  /** Provider name, as in routes and metrics. */
  readonly name: ProviderName;
  /**
   * Why the provider cannot be called (its API key is unset while its URL is a public API), or
   * undefined when it can. Candidates of an unconfigured provider are skipped without an attempt.
   */
  readonly notConfigured: string | undefined;
  /** Request members this provider cannot honour (reported in `x-llm-ignored-parameters`). */
  unsupportedParameters(request: ChatCompletionRequest): string[];
  /** One non-streamed completion. */
  complete(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChatCompletion>;
  /**
   * Starts a streamed completion. Resolves once the provider accepted the request (status 2xx);
   * the source reads OpenAI chunks (as JSON texts, passed through when the wire format is
   * OpenAI's), ending with a usage-only chunk, and throws an `UpstreamError` when the stream fails
   * or is cut short.
   */
  streamChunks(
    request: ChatCompletionRequest,
    model: string,
    context: AttemptContext,
  ): Promise<ChunkSource>;
}

/** A provider of OpenAI-compatible embeddings. */
export interface EmbeddingProvider {
  /** Provider name. */
  readonly name: ProviderName;
  /** See {@link ChatProvider.notConfigured}. */
  readonly notConfigured: string | undefined;
  /** One embeddings call. */
  embed(
    request: EmbeddingRequest,
    model: string,
    context: AttemptContext,
  ): Promise<EmbeddingResponse>;
}
