/** One server-sent event: its `event:` name (default "message") and joined `data:` lines. */
export interface ServerSentEvent {
  /** The `event:` field, or "message" when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

/**
 * Parses a byte stream of server-sent events (the WHATWG event-stream format) into events.
 * Comments and `id:`/`retry:` fields are ignored: the providers' streams do not rely on them.
 * The caller cancels the underlying body by calling `return()` on the iterator.
 */
export async function* parseServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let eventName = "";
  let data: string[] = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield { event: eventName || "message", data: data.join("\n") };
          eventName = "";
          data = [];
          continue;
        }
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
