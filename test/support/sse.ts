import { createParser } from "eventsource-parser";
import type { EventSourceMessage } from "eventsource-parser";

/** The events of an SSE body, and how the body ended. */
export interface SseReadResult {
  /** Parsed events in order (`event` is undefined for data-only events). */
  events: EventSourceMessage[];
  /** The error that ended the body early (a cut connection), or undefined when it ended cleanly. */
  streamError?: unknown;
}

/**
 * Reads a `fetch` response body to its end through a spec-compliant SSE parser, keeping the events
 * received before any connection failure.
 */
export async function readSseEvents(response: Response): Promise<SseReadResult> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  if (!response.body) return { events };
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    return { events };
  } catch (error) {
    return { events, streamError: error };
  }
}

/** The `data` fields of data-only events parsed as JSON, skipping the `[DONE]` sentinel. */
export function jsonData(events: EventSourceMessage[]): unknown[] {
  return events
    .filter((event) => event.data !== "[DONE]")
    .map((event) => JSON.parse(event.data) as unknown);
}
