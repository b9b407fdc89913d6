import { ServerSentEventTooLargeError } from "../../_shared/sse.ts";

/** Receives the events a {@link ServerSentEventScanner} completes. */
export interface ServerSentEventHandler {
  /** One event: its `event:` name ("message" when absent) and its `data:` lines joined with "\n". */
  onEvent(name: string, data: string): void;
}

/**
 * An incremental, synchronous parser of the server-sent event format (WHATWG), fed decoded text as
 * it arrives. Providers send one `data:` line per event, ended by "\n\n": such events are cut out of
 * the text with one native search each, and {@link verbatim} tells whether a piece held nothing
 * else (so its bytes can be forwarded as they are). Anything else (CR line ends, comments, `event:`
 * lines, several `data:` lines, events split across pieces) takes the general path. `id:` and
 * `retry:` are ignored: the providers' streams do not rely on them. Linear in the input however it
 * is split: a pending event is kept as the pieces it arrived in and joined once.
 */
export class ServerSentEventScanner {
  /** The incomplete last event, as the pieces it arrived in. */
  private pending: string[] = [];
  private pendingSize = 0;
  /** A piece ended with "\r": a "\n" starting the next one belongs to it. */
  private skipLineFeed = false;
  /**
   * After {@link push}: whether every event of that piece was a whole `data:` line ended by "\n\n",
   * with nothing else in the piece and nothing left over from the previous one.
   */
  verbatim = true;

  constructor(
    /** `LLM_MAX_EVENT_BYTES`: the longest event (as characters) before {@link push} throws. */
    private readonly maxEventBytes: number,
  ) {}

  /** Whether no partial event is held (the last piece ended at an event boundary). */
  get idle(): boolean {
    return this.pending.length === 0 && !this.skipLineFeed;
  }

  /**
   * Scans one piece of the stream, calling `handler.onEvent` for every event it completes.
   * @throws ServerSentEventTooLargeError when an event grows past `maxEventBytes`.
   */
  push(text: string, handler: ServerSentEventHandler): void {
    this.verbatim = this.pending.length === 0 && !this.skipLineFeed;
    if (this.skipLineFeed) {
      this.skipLineFeed = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text.indexOf("\r") !== -1) {
      this.verbatim = false;
      if (text.charCodeAt(text.length - 1) === 13) this.skipLineFeed = true;
      text = text.replace(/\r\n?/g, "\n");
    }
    let position = 0;
    if (this.pending.length > 0) {
      const last = this.pending[this.pending.length - 1] as string;
      // The blank line may straddle the pieces: "...\n" then "\n...".
      const end =
        last.charCodeAt(last.length - 1) === 10 && text.charCodeAt(0) === 10
          ? 0
          : text.indexOf("\n\n");
      if (end === -1) {
        this.hold(text);
        return;
      }
      this.pending.push(text.slice(0, end));
      const block = this.pending.join("");
      this.pending = [];
      this.pendingSize = 0;
      this.checkSize(block.length);
      this.general(block, handler);
      position = end === 0 ? 1 : end + 2;
    }
    while (true) {
      const end = text.indexOf("\n\n", position);
      if (end === -1) break;
      this.checkSize(end - position);
      // The common case: one `data:` line.
      if (text.startsWith("data:", position) && text.lastIndexOf("\n", end - 1) < position) {
        const start = text.charCodeAt(position + 5) === 32 ? position + 6 : position + 5;
        handler.onEvent("message", text.slice(start, end));
      } else {
        this.verbatim = false;
        this.general(text.slice(position, end), handler);
      }
      position = end + 2;
    }
    if (position < text.length) this.hold(position === 0 ? text : text.slice(position));
  }

  private hold(text: string): void {
    this.pending.push(text);
    this.pendingSize += text.length;
    this.checkSize(this.pendingSize);
  }

  private checkSize(size: number): void {
    if (size > this.maxEventBytes) throw new ServerSentEventTooLargeError(this.maxEventBytes);
  }

  /** One event's lines, any fields, comments and blank lines included. */
  private general(block: string, handler: ServerSentEventHandler): void {
    let name = "";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") data.push(value);
      else if (field === "event") name = value;
    }
    if (data.length > 0) handler.onEvent(name || "message", data.join("\n"));
  }
}
