import { ServerSentEventTooLargeError } from "../../_shared/sse.ts";
import { UpstreamProtocolError } from "../errors.ts";
import { ServerSentEventScanner, type ServerSentEventHandler } from "./sse-scanner.ts";
import { streamReadError } from "./upstream-fetch.ts";

/**
 * Size of the one buffer a stream's body is read into (a larger piece takes several reads). A
 * default reader of a fetch body allocates a fresh 64 KiB buffer for every read, however small the
 * piece (most SSE pieces are a few hundred bytes): for a token stream that was most of the
 * gateway's work per chunk, and most of its garbage.
 */
const readBufferBytes = 16_384;

type Reader =
  | { byob: true; reader: ReadableStreamBYOBReader }
  | { byob: false; reader: ReadableStreamDefaultReader<Uint8Array> };

function readerOf(body: ReadableStream<Uint8Array>): Reader {
  try {
    return { byob: true, reader: body.getReader({ mode: "byob" }) };
  } catch {
    // Not a byte stream (a body built from a plain ReadableStream): read what it hands out.
    return { byob: false, reader: body.getReader() };
  }
}

/**
 * A provider's `text/event-stream` body, read one piece at a time straight from its reader (no
 * generator or stream in between) into one reused buffer: each piece is decoded once and scanned
 * for whole events.
 */
export class EventStreamBody {
  private readonly source: Reader;
  private buffer = new ArrayBuffer(readBufferBytes);
  private readonly decoder = new TextDecoder();
  private readonly scanner: ServerSentEventScanner;
  /** The previous piece ended with a blank line and left nothing pending. */
  private atBoundary = true;
  /** The last piece, while it is exactly the events handed out (see {@link verbatim}). */
  private verbatimPiece: Uint8Array | undefined;

  constructor(
    private readonly provider: string,
    body: ReadableStream<Uint8Array>,
    private readonly signal: AbortSignal,
    maxEventBytes: number,
  ) {
    this.source = readerOf(body);
    this.scanner = new ServerSentEventScanner(maxEventBytes);
  }

  /**
   * Reads one piece and hands the events it completes to `handler`; resolves false at the end of
   * the body.
   * @throws UpstreamError when the read fails (network, abort) or an event is larger than
   * `LLM_MAX_EVENT_BYTES`.
   */
  async read(handler: ServerSentEventHandler): Promise<boolean> {
    this.verbatimPiece = undefined;
    let piece: Uint8Array | undefined;
    try {
      if (this.source.byob) {
        const result = await this.source.reader.read(new Uint8Array(this.buffer));
        piece = result.value;
        // The read hands the buffer back (transferred): it is read into again next time.
        if (piece) this.buffer = piece.buffer as ArrayBuffer;
        if (result.done) piece = undefined;
      } else {
        const result = await this.source.reader.read();
        piece = result.done ? undefined : result.value;
      }
    } catch (error) {
      throw streamReadError(this.provider, error, this.signal);
    }
    if (piece === undefined) return false;
    const startedAtBoundary = this.atBoundary;
    try {
      this.scanner.push(this.decoder.decode(piece, { stream: true }), handler);
    } catch (error) {
      if (error instanceof ServerSentEventTooLargeError)
        throw new UpstreamProtocolError(
          this.provider,
          `stream event larger than LLM_MAX_EVENT_BYTES (${error.limit} bytes)`,
        );
      throw error;
    }
    const length = piece.byteLength;
    this.atBoundary =
      this.scanner.idle && length >= 2 && piece[length - 1] === 10 && piece[length - 2] === 10;
    if (startedAtBoundary && this.atBoundary && this.scanner.verbatim) this.verbatimPiece = piece;
    return true;
  }

  /**
   * The last piece's bytes (a copy: the buffer is read into again), when they were exactly the
   * events handed out, one `data:` line each, from an event boundary to an event boundary;
   * otherwise undefined. Valid until the next {@link read}.
   */
  verbatim(): Uint8Array | undefined {
    return this.verbatimPiece?.slice();
  }

  /** Cancels the body; a pending read settles as the end of the body. Never rejects. */
  async cancel(): Promise<void> {
    await this.source.reader.cancel().catch(() => undefined);
  }
}
