/** A complete JSON answer, ready to write. */
export interface JsonPlan {
  /** Discriminant. */
  type: "json";
  /** HTTP status. */
  status: number;
  /** Extra response headers. */
  headers: Record<string, string>;
  /** The body, serialised as JSON when written. */
  body: unknown;
}

/** One Server-Sent Event, already in wire form (`event: ...\ndata: ...\n\n`). */
export interface PlannedEvent {
  /** The wire text of the event. */
  text: string;
  /** Whether the event carries answer text (what "the first chunk" means for fault injection). */
  carriesContent: boolean;
}

/** A streamed answer, ready to write event by event. */
export interface StreamPlan {
  /** Discriminant. */
  type: "stream";
  /** Extra response headers. */
  headers: Record<string, string>;
  /** The events in order. */
  events: PlannedEvent[];
}

/** What a provider route decided to answer before faults are applied. */
export type PlannedResponse = JsonPlan | StreamPlan;

/** Formats an SSE event; `event` is omitted for OpenAI-style data-only streams. */
export function sseEvent(data: string, event?: string): string {
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${data}\n\n`;
}
