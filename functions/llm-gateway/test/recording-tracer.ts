import { loadActiveSpanStorage, type ActiveSpanStorage } from "../telemetry/active-span.ts";
import type { Span, SpanContext, Tracer } from "../telemetry/tracing.ts";

/** One span as a {@link RecordingTracer} saw it. */
export interface RecordedSpan {
  name: string;
  kind: "server" | "client" | "internal";
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, string | number | boolean>;
  /** Whether `end` was called. */
  ended: boolean;
  /** The message `end` was given: a failed span. */
  errorMessage: string | undefined;
}

/**
 * A tracer that keeps its spans in memory, with the real active-span storage (AsyncLocalStorage)
 * the OTLP tracer uses, so tests see what would be exported and under which parent.
 */
export class RecordingTracer implements Tracer {
  readonly enabled = true;
  readonly spans: RecordedSpan[] = [];
  private next = 0;

  private constructor(private readonly storage: ActiveSpanStorage) {}

  /** A tracer with the gateway's active-span storage. */
  static async create(): Promise<RecordingTracer> {
    return new RecordingTracer(await loadActiveSpanStorage());
  }

  startSpan(name: string, kind: "server" | "client" | "internal", parent?: SpanContext): Span {
    this.next += 1;
    const recorded: RecordedSpan = {
      name,
      kind,
      spanId: this.next.toString(16).padStart(16, "0"),
      parentSpanId: parent?.spanId,
      attributes: {},
      ended: false,
      errorMessage: undefined,
    };
    this.spans.push(recorded);
    return {
      traceId: parent?.traceId ?? "0".repeat(31) + "1",
      spanId: recorded.spanId,
      ...(parent?.sampled === false ? { sampled: false } : {}),
      setAttribute: (key, value) => {
        recorded.attributes[key] = value;
      },
      end: (errorMessage) => {
        recorded.ended = true;
        recorded.errorMessage = errorMessage;
      },
    };
  }

  withActiveSpan<T>(span: SpanContext, run: () => T): T {
    return this.storage.run(span, run);
  }

  activeSpan(): SpanContext | undefined {
    return this.storage.getStore();
  }

  /** The recorded spans named `name`. */
  named(name: string): RecordedSpan[] {
    return this.spans.filter((span) => span.name === name);
  }
}
