import { UpstreamHttpError, UpstreamProtocolError } from "../errors.ts";
import { AnthropicStreamTranslator } from "./anthropic-stream-translate.ts";
import type { StructuredOutputTool } from "./anthropic-translate.ts";
import { emptyRead, type ChunkSource, type StreamRead } from "./chunk-source.ts";
import { EventStreamBody } from "./event-stream-body.ts";
import type { ServerSentEventHandler } from "./sse-scanner.ts";

/** Settings of {@link AnthropicChunkSource}. */
export interface AnthropicChunkSourceOptions {
  /** The model asked for, until `message_start` names the one that answers. */
  model: string;
  /** The tool `response_format` became, whose input is the answer. */
  structuredTool: StructuredOutputTool | undefined;
  /** `LLM_MAX_EVENT_BYTES`. */
  maxEventBytes: number;
}

/**
 * An Anthropic Messages stream as OpenAI chunks: each event is translated to a chunk's JSON text
 * as it arrives, and `message_stop` is followed by the usage-only chunk.
 */
export class AnthropicChunkSource implements ChunkSource, ServerSentEventHandler {
  private readonly body: EventStreamBody;
  private readonly translator: AnthropicStreamTranslator;
  /** The read being filled by {@link onEvent}. */
  private current: StreamRead = emptyRead();
  private ended = false;

  constructor(
    private readonly provider: string,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
    options: AnthropicChunkSourceOptions,
  ) {
    this.body = new EventStreamBody(provider, body, signal, options.maxEventBytes);
    this.translator = new AnthropicStreamTranslator(
      options.model,
      undefined,
      options.structuredTool,
    );
  }

  /** See {@link ChunkSource.read}. */
  async read(): Promise<StreamRead> {
    const read = emptyRead();
    if (this.ended) {
      read.done = true;
      return read;
    }
    this.current = read;
    if (!(await this.body.read(this)))
      throw new UpstreamProtocolError(this.provider, "stream ended before message_stop");
    if (read.done) {
      this.ended = true;
      read.usage = {
        data: this.translator.usageChunkText(),
        usage: this.translator.currentUsage(),
      };
    }
    return read;
  }

  /** See {@link ChunkSource.cancel}. */
  cancel(): Promise<void> {
    return this.body.cancel();
  }

  /** @internal One event of the body (called by the scanner). */
  onEvent(name: string, data: string): void {
    const read = this.current;
    if (read.done) return;
    const result = this.translator.translate(name, data);
    if (typeof result === "string") {
      read.chunks.push(result);
      return;
    }
    switch (result.kind) {
      case "end":
        read.done = true;
        return;
      case "error":
        throw new UpstreamHttpError(
          this.provider,
          result.status,
          `stream error: ${result.message}`,
        );
      case "malformed":
        throw new UpstreamProtocolError(this.provider, "malformed JSON in stream event");
      case "none":
        return;
    }
  }
}
