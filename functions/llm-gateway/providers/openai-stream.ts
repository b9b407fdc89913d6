import { UpstreamHttpError, UpstreamProtocolError } from "../errors.ts";
import type { ChatCompletionChunk, Usage } from "../openai-types.ts";
import { emptyRead, type ChunkSource, type StreamRead } from "./chunk-source.ts";
import { EventStreamBody } from "./event-stream-body.ts";
import type { ServerSentEventHandler } from "./sse-scanner.ts";

/** Maps an OpenAI error `type`/`code` seen inside a stream to the HTTP status it stands for. */
function statusOfStreamError(error: { type?: unknown; code?: unknown }): number {
  if (error.code === "rate_limit_exceeded" || error.type === "rate_limit_error") return 429;
  if (error.type === "invalid_request_error") return 400;
  return 500;
}

/** Whether `text` holds `null` at `index`, after optional spaces. */
function nullAt(text: string, index: number): boolean {
  while (text.charCodeAt(index) === 32) index += 1;
  return text.startsWith("null", index);
}

type ParsedChunk = Partial<ChatCompletionChunk> & {
  error?: { message?: string; type?: unknown; code?: unknown };
};

/**
 * An OpenAI-format stream (OpenAI, Gemini's and any OpenAI-compatible endpoint), passed through:
 * a chunk is not parsed unless a cheap look at its text says it may be something else than a
 * plain chunk (an error, the usage chunk, or not an object at all). Chunks keep the bytes they
 * came in whenever a read holds nothing but whole plain chunks, which is the common case.
 */
export class OpenAiChunkSource implements ChunkSource, ServerSentEventHandler {
  private readonly body: EventStreamBody;
  /** The read being filled by {@link onEvent}. */
  private current: StreamRead = emptyRead();
  /** Whether every event of the current read is a plain chunk, forwarded as it came. */
  private plain = true;
  private ended = false;

  constructor(
    private readonly provider: string,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
    maxEventBytes: number,
  ) {
    this.body = new EventStreamBody(provider, body, signal, maxEventBytes);
  }

  /** See {@link ChunkSource.read}. */
  async read(): Promise<StreamRead> {
    const read = emptyRead();
    if (this.ended) {
      read.done = true;
      return read;
    }
    this.current = read;
    this.plain = true;
    if (!(await this.body.read(this)))
      throw new UpstreamProtocolError(this.provider, "stream ended before [DONE]");
    if (this.plain && read.chunks.length > 0) read.frames = this.body.verbatim();
    if (read.done) this.ended = true;
    return read;
  }

  /** See {@link ChunkSource.cancel}. */
  cancel(): Promise<void> {
    return this.body.cancel();
  }

  /** @internal One event of the body (called by the scanner). */
  onEvent(_name: string, data: string): void {
    const read = this.current;
    // Anything after [DONE] is not part of the answer.
    if (read.done) return;
    if (data === "[DONE]") {
      read.done = true;
      this.plain = false;
      return;
    }
    const usageAt = data.lastIndexOf('"usage":');
    if (
      data.charCodeAt(0) !== 123 ||
      data.charCodeAt(data.length - 1) !== 125 ||
      data.indexOf('"error":') !== -1 ||
      (usageAt !== -1 && !nullAt(data, usageAt + 8))
    ) {
      this.plain = false;
      this.irregular(read, data);
      return;
    }
    read.chunks.push(data);
  }

  /** A chunk that may be an error or carry usage: parsed, and checked. */
  private irregular(read: StreamRead, data: string): void {
    let parsed: ParsedChunk;
    try {
      parsed = JSON.parse(data) as ParsedChunk;
    } catch {
      throw new UpstreamProtocolError(this.provider, "malformed JSON in stream chunk");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new UpstreamProtocolError(this.provider, "stream chunk is not a JSON object");
    if (parsed.error) {
      throw new UpstreamHttpError(
        this.provider,
        statusOfStreamError(parsed.error),
        `stream error: ${parsed.error.message ?? "unknown"}`,
      );
    }
    const usage = parsed.usage;
    if (typeof usage !== "object" || usage === null) {
      read.chunks.push(data);
      return;
    }
    if (!Array.isArray(parsed.choices) || parsed.choices.length === 0) {
      read.usage = { data, usage };
      return;
    }
    // Usage on a chunk that has choices too: split into the chunk and OpenAI's usage-only chunk,
    // so that usage reaches only clients that asked for it.
    const { usage: _usage, ...rest } = parsed;
    read.chunks.push(JSON.stringify(rest));
    read.usage = { data: JSON.stringify(usageOnlyChunk(rest, usage)), usage };
  }
}

function usageOnlyChunk(chunk: ParsedChunk, usage: Usage): ChatCompletionChunk {
  return {
    id: chunk.id ?? "",
    object: "chat.completion.chunk",
    created: chunk.created ?? 0,
    model: chunk.model ?? "",
    choices: [],
    usage,
  };
}
