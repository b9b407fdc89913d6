/** One server-sent event: its `event:` name (default "message") and joined `data:` lines. */
export interface ServerSentEvent {
  /** The `event:` field, or "message" when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

/** Thrown by {@link parseServerSentEvents} when one event grows past its `maxEventBytes`. */
export class ServerSentEventTooLargeError extends Error {
  override readonly name = "ServerSentEventTooLargeError";
  constructor(
    /** The limit that was passed. */
    readonly limit: number,
  ) {
    super(`one server-sent event is larger than ${limit} bytes`);
  }
}

/** Options of {@link parseServerSentEvents}. */
export interface ServerSentEventOptions {
  /**
   * Largest event (its field lines, as decoded characters) before the parser gives up with a
   * {@link ServerSentEventTooLargeError}.
   * @default Infinity
   */
  maxEventBytes?: number;
}

/** Index of the first `\r` or `\n` at or after `from`, or -1. */
function lineEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) return index;
  }
  return -1;
}

/**
 * Parses a byte stream of server-sent events (the WHATWG event-stream format) into events.
 * Comments and `id:`/`retry:` fields are ignored: the providers' streams do not rely on them.
 * Linear in the input: each character is scanned once, however the bytes are split into chunks.
 * The caller cancels the underlying body by calling `return()` on the iterator.
 */
export async function* parseServerSentEvents(
  body: ReadableStream<Uint8Array>,
  options: ServerSentEventOptions = {},
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const maxEventBytes = options.maxEventBytes ?? Infinity;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // The incomplete last line, as the pieces it arrived in: appending to one string and scanning it
  // would flatten (copy) the whole line on every chunk, quadratic in the line's length.
  let partial: string[] = [];
  let partialLength = 0;
  let eventName = "";
  let data: string[] = [];
  let eventSize = 0;
  // A \r ended the last chunk: a \n starting the next one belongs to it.
  let skipLineFeed = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      let position = 0;
      if (skipLineFeed && text.charCodeAt(0) === 10) position = 1;
      skipLineFeed = false;
      while (position <= text.length) {
        let end = lineEnd(text, position);
        if (end === -1) {
          if (position < text.length) {
            partial.push(text.slice(position));
            partialLength += text.length - position;
            if (eventSize + partialLength > maxEventBytes)
              throw new ServerSentEventTooLargeError(maxEventBytes);
          }
          break;
        }
        let line = text.slice(position, end);
        if (partial.length > 0) {
          partial.push(line);
          line = partial.join("");
          partial = [];
          partialLength = 0;
        }
        if (text.charCodeAt(end) === 13) {
          if (end + 1 === text.length) skipLineFeed = true;
          else if (text.charCodeAt(end + 1) === 10) end += 1;
        }
        position = end + 1;
        if (line === "") {
          if (data.length > 0) yield { event: eventName || "message", data: data.join("\n") };
          eventName = "";
          data = [];
          eventSize = 0;
          continue;
        }
        eventSize += line.length;
        if (eventSize > maxEventBytes) throw new ServerSentEventTooLargeError(maxEventBytes);
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let fieldValue = colon === -1 ? "" : line.slice(colon + 1);
        if (fieldValue.startsWith(" ")) fieldValue = fieldValue.slice(1);
        if (field === "data") data.push(fieldValue);
        else if (field === "event") eventName = fieldValue;
      }
    }
    // A final event without its blank line is incomplete by the spec: dropped, like browsers do.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
