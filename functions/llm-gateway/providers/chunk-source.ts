import type { ChatCompletionChunk, Usage } from "../openai-types.ts";

/** The usage-only chunk that ends an OpenAI stream (`choices: []`, `usage: {...}`). */
export interface UsageChunk {
  /** Its JSON text, as a client that asked for usage receives it. */
  data: string;
  /** The token usage, for cost and spend. */
  usage: Usage;
}

/** What one read of an upstream body brought, in OpenAI's `chat.completion.chunk` format. */
export interface StreamRead {
  /**
   * The chunks this read completed, as JSON texts, in order. None carries a usage object: usage
   * comes in {@link StreamRead.usage}.
   */
  chunks: string[];
  /**
   * The same chunks as the exact SSE bytes a Chat Completions client gets, when the upstream sent
   * them so (an OpenAI-format stream, read at event boundaries): forwarded as they are. Undefined
   * when the chunks must be framed (`data: <chunk>\n\n`).
   */
  frames: Uint8Array | undefined;
  /** The usage-only chunk, when this read brought it. */
  usage: UsageChunk | undefined;
  /** True once the stream ended properly (`[DONE]`, `message_stop`): nothing follows. */
  done: boolean;
}

/**
 * A streamed completion as the gateway reads it: piece by piece, each piece parsed only as far as
 * usage, errors and the end of the stream need. Reads throw an `UpstreamError` when the stream
 * fails, carries an error event, holds a malformed or oversize event, or ends before its end marker.
 */
export interface ChunkSource {
  /** Reads the next piece of the upstream body (which may complete no chunk, e.g. a ping). */
  read(): Promise<StreamRead>;
  /**
   * Cancels the upstream body; a pending read then settles. Called when a stream is abandoned
   * (client gone, stall, failure) and after a complete one.
   */
  cancel(): Promise<void>;
}

/** A read that brought nothing yet. */
export function emptyRead(): StreamRead {
  return { chunks: [], frames: undefined, usage: undefined, done: false };
}

/**
 * The chunks of a source as parsed objects, the usage-only chunk last: for callers that want
 * objects rather than the pass-through form (tests, tools).
 */
export async function* parsedChunks(source: ChunkSource): AsyncGenerator<ChatCompletionChunk> {
  try {
    while (true) {
      const read = await source.read();
      for (const data of read.chunks) yield JSON.parse(data) as ChatCompletionChunk;
      if (read.usage) yield JSON.parse(read.usage.data) as ChatCompletionChunk;
      if (read.done) return;
    }
  } finally {
    await source.cancel();
  }
}
