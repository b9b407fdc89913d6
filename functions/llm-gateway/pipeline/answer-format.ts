import type { ChatCompletion, ChatCompletionChunk } from "../openai-types.ts";
import { doneFrame, isUsageChunk, sseFrame } from "./sse-response.ts";

/**
 * Writes one streamed answer for the client, chunk by chunk. The pipeline always works with chat
 * completion chunks; a format (Chat Completions, Responses) turns them into its own events.
 */
export interface StreamEncoder {
  /** Bytes for one chunk, or undefined when the chunk carries nothing this client sees. */
  chunk(chunk: ChatCompletionChunk): Uint8Array | undefined;
  /** The bytes that end a complete stream; `completion` is what the chunks added up to. */
  done(completion: ChatCompletion): Uint8Array;
  /** The event that ends a stream cut after it started (no completion marker follows). */
  error(message: string, code: string): Uint8Array;
  /**
   * Set when the format's events are the chunks themselves (Chat Completions): the pipeline then
   * forwards the provider's chunks as they are, bytes included when they arrived as OpenAI SSE,
   * without calling {@link chunk} or assembling a completion for {@link done}.
   */
  readonly passThrough?: PassThroughFraming;
}

/** How a pass-through stream is framed (see {@link StreamEncoder.passThrough}). */
export interface PassThroughFraming {
  /** Whether the usage-only chunk is forwarded (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** The bytes that end a complete stream. */
  done: Uint8Array;
}

/** How an endpoint presents the pipeline's answers. */
export interface AnswerFormat {
  /** The JSON body for a chat completion body (the cache's stored form). */
  json(completionBody: string): string;
  /** A fresh encoder for one streamed response. */
  encoder(includeUsage: boolean): StreamEncoder;
}

/**
 * The Chat Completions format: bodies as they are, chunks as `data:` frames, then `[DONE]`. A
 * live stream passes the provider's chunks through; {@link StreamEncoder.chunk} frames replayed
 * (cached) chunks.
 */
export const chatCompletionsFormat: AnswerFormat = {
  json: (body) => body,
  encoder: (includeUsage) => ({
    passThrough: { includeUsage, done: doneFrame },
    chunk(chunk) {
      if (isUsageChunk(chunk)) return includeUsage ? sseFrame(chunk) : undefined;
      if (!includeUsage && chunk.usage !== undefined) {
        const { usage: _usage, ...rest } = chunk;
        return sseFrame(rest);
      }
      return sseFrame(chunk);
    },
    done: () => doneFrame,
    error: (message, code) => sseFrame({ error: { message, type: "api_error", code } }),
  }),
};
