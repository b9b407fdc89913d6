/** The identity of a span, enough to parent another one or fill a `traceparent`. */
export interface SpanContext {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
}

/** A span being recorded. */
export interface Span extends SpanContext {
  /** Adds an attribute (never prompt text or personal data). */
  setAttribute(key: string, value: string | number | boolean): void;
  /** Ends the span; an error message marks it failed. */
  end(errorMessage?: string): void;
}

/** Starts spans; the no-op tracer costs nothing when tracing is off. */
export interface Tracer {
  /** Whether spans are exported (and `traceparent` propagated). */
  readonly enabled: boolean;
  /** Starts a span, as a child of `parent` when given. */
  startSpan(name: string, kind: "server" | "client", parent?: SpanContext): Span;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Parses a W3C `traceparent` header; undefined when absent or malformed (or all-zero ids). */
export function parseTraceparent(header: string | null): SpanContext | undefined {
  if (header === null) return undefined;
  const match = traceparentPattern.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId, spanId] = match as unknown as [string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId };
}

/** The `traceparent` header value for a span (sampled). */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-01`;
}

function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = "";
  for (const value of values) hex += value.toString(16).padStart(2, "0");
  return hex;
}

const noopSpan: Span = {
  traceId: "",
  spanId: "",
  setAttribute: () => undefined,
  end: () => undefined,
};

/** A tracer that records nothing. */
export const noopTracer: Tracer = { enabled: false, startSpan: () => noopSpan };

interface OtlpAttribute {
  key: string;
  value:
    | { stringValue: string }
    | { intValue: string }
    | { doubleValue: number }
    | { boolValue: boolean };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number; message?: string };
}

function attribute(key: string, value: string | number | boolean): OtlpAttribute {
  if (typeof value === "string") return { key, value: { stringValue: value } };
  if (typeof value === "boolean") return { key, value: { boolValue: value } };
  return Number.isInteger(value)
    ? { key, value: { intValue: String(value) } }
    : { key, value: { doubleValue: value } };
}

function nanoseconds(milliseconds: number): string {
  return `${BigInt(Math.round(milliseconds * 1000)) * 1000n}`;
}

/** Settings of {@link OtlpTracer}. */
export interface OtlpTracerOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`; spans are POSTed to `${endpoint}/v1/traces`. */
  endpoint: string;
  /** `service.name` resource attribute. */
  serviceName: string;
  /** Spans buffered before an export is forced. @default 64 */
  batchSize?: number;
  /** Longest a span waits in the buffer, in milliseconds. @default 1000 */
  flushIntervalMs?: number;
  /** Told about failed exports (they are dropped: tracing never affects requests). */
  onError?: (error: unknown) => void;
}

/**
 * Exports spans as OTLP/HTTP JSON (`ExportTraceServiceRequest`), batched and fire-and-forget, so
 * a slow or missing collector never delays a response.
 */
export class OtlpTracer implements Tracer {
  readonly enabled = true;
  private buffer: OtlpSpan[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: OtlpTracerOptions) {}

  startSpan(name: string, kind: "server" | "client", parent?: SpanContext): Span {
    const traceId = parent?.traceId ?? randomHex(16);
    const spanId = randomHex(8);
    const start = performance.timeOrigin + performance.now();
    const attributes: OtlpAttribute[] = [];
    let ended = false;
    return {
      traceId,
      spanId,
      setAttribute: (key, value) => {
        attributes.push(attribute(key, value));
      },
      end: (errorMessage) => {
        if (ended) return;
        ended = true;
        this.push({
          traceId,
          spanId,
          ...(parent ? { parentSpanId: parent.spanId } : {}),
          name,
          kind: kind === "server" ? 2 : 3,
          startTimeUnixNano: nanoseconds(start),
          endTimeUnixNano: nanoseconds(performance.timeOrigin + performance.now()),
          attributes,
          status: errorMessage === undefined ? { code: 1 } : { code: 2, message: errorMessage },
        });
      },
    };
  }

  private push(span: OtlpSpan): void {
    this.buffer.push(span);
    if (this.buffer.length >= (this.options.batchSize ?? 64)) {
      void this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs ?? 1000);
    }
  }

  /** Sends buffered spans now. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const spans = this.buffer;
    this.buffer = [];
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [attribute("service.name", this.options.serviceName)] },
          scopeSpans: [{ scope: { name: "llm-gateway" }, spans }],
        },
      ],
    };
    try {
      const response = await fetch(`${this.options.endpoint}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        // A hung collector must not pile up pending exports.
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok)
        this.options.onError?.(new Error(`OTLP export answered HTTP ${response.status}`));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
