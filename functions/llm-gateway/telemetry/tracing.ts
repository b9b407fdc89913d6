import type { ActiveSpanStorage } from "./active-span.ts";

/** The identity of a span, enough to parent another one or fill a `traceparent`. */
export interface SpanContext {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** The W3C `sampled` flag: whether the trace is recorded. @default true */
  sampled?: boolean;
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
  startSpan(name: string, kind: "server" | "client" | "internal", parent?: SpanContext): Span;
  /**
   * Runs `run` with `span` as the active span of everything it starts, across `await`s, so code
   * that is given no span (store and database calls) can parent its own to it. The no-op tracer
   * just calls `run`.
   */
  withActiveSpan<T>(span: SpanContext, run: () => T): T;
  /** The active span (see {@link Tracer.withActiveSpan}), or undefined. */
  activeSpan(): SpanContext | undefined;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a W3C `traceparent` header; undefined when absent or malformed (or all-zero ids). */
export function parseTraceparent(header: string | null): SpanContext | undefined {
  if (header === null) return undefined;
  const match = traceparentPattern.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;

  if ((Number.parseInt(flags, 16) & 1) === 0) return { traceId, spanId, sampled: false };
  return { traceId, spanId };
}

/** The `traceparent` header value for a span. */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled === false ? "00" : "01"}`;
}

/** The `OTEL_TRACES_SAMPLER` names this tracer implements (all of the spec's built-in ones). */
export type SamplerName =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

/**
 * Whether a new trace is recorded: a parent's decision wins for the `parentbased_*` samplers; the
 * ratio samplers compare the trace id's last 8 bytes with the ratio, as the spec's
 * TraceIdRatioBased does, so every service makes the same decision for one trace.
 */
export function sampleTrace(
  sampler: SamplerName,
  ratio: number,
  traceId: string,
  parent: SpanContext | undefined,
): boolean {
  if (parent !== undefined && sampler.startsWith("parentbased_")) return parent.sampled !== false;
  const root = sampler.replace("parentbased_", "");
  if (root === "always_on") return true;
  if (root === "always_off") return false;
  const bound = BigInt(Math.floor(ratio * 2 ** 53)) * 2n ** 11n;
  return BigInt(`0x${traceId.slice(16)}`) < bound;
}

function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = "";
  for (const value of values) hex += value.toString(16).padStart(2, "0");
  return hex;
}

/** A span that records nothing. */
export const noopSpan: Span = {
  traceId: "",
  spanId: "",
  setAttribute: () => undefined,
  end: () => undefined,
};

/** A tracer that records nothing. */
export const noopTracer: Tracer = {
  enabled: false,
  startSpan: () => noopSpan,
  withActiveSpan: (_span, run) => run(),
  activeSpan: () => undefined,
};

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
  endpoint?: string | undefined;
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the full URL, used as is; wins over `endpoint`. */
  tracesEndpoint?: string | undefined;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, e.g. a hosted backend's API key. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** `OTEL_TRACES_SAMPLER`. @default "parentbased_always_on" */
  sampler?: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG`, the ratio of the ratio samplers. @default 1 */
  samplerArgument?: number;
  /** `service.name` resource attribute. */
  serviceName: string;
  /** Spans buffered before an export is forced. @default 64 */
  batchSize?: number;
  /** Longest a span waits in the buffer, in milliseconds. @default 1000 */
  flushIntervalMs?: number;
  /** Told about failed exports (they are dropped: tracing never affects requests). */
  onError?: (error: unknown) => void;
  /**
   * Carries the active span across `await`s (active-span.ts). Without it no span is ever active:
   * spans are still exported, but store and database calls have no parent to record under.
   */
  activeSpans?: ActiveSpanStorage;
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

  withActiveSpan<T>(span: SpanContext, run: () => T): T {
    return this.options.activeSpans === undefined ? run() : this.options.activeSpans.run(span, run);
  }

  activeSpan(): SpanContext | undefined {
    return this.options.activeSpans?.getStore();
  }

  private get url(): string {
    return this.options.tracesEndpoint ?? `${this.options.endpoint ?? ""}/v1/traces`;
  }

  startSpan(name: string, kind: "server" | "client" | "internal", parent?: SpanContext): Span {
    const traceId = parent?.traceId ?? randomHex(16);
    const spanId = randomHex(8);
    // Children inherit the decision; a root (or a remote parent) asks the sampler.
    const sampled =
      parent !== undefined && parent.spanId !== "" && !this.remote(parent)
        ? parent.sampled !== false
        : sampleTrace(
            this.options.sampler ?? "parentbased_always_on",
            this.options.samplerArgument ?? 1,
            traceId,
            parent,
          );
    const start = performance.timeOrigin + performance.now();
    const attributes: OtlpAttribute[] = [];
    let ended = false;
    const span: Span = {
      traceId,
      spanId,
      ...(sampled ? {} : { sampled: false }),
      setAttribute: (key, value) => {
        if (sampled) attributes.push(attribute(key, value));
      },
      end: (errorMessage) => {
        if (ended) return;
        ended = true;
        if (!sampled) return;
        this.push({
          traceId,
          spanId,
          ...(parent ? { parentSpanId: parent.spanId } : {}),
          name,
          kind: kind === "server" ? 2 : kind === "client" ? 3 : 1,
          startTimeUnixNano: nanoseconds(start),
          endTimeUnixNano: nanoseconds(performance.timeOrigin + performance.now()),
          attributes,
          status: errorMessage === undefined ? { code: 1 } : { code: 2, message: errorMessage },
        });
      },
    };
    this.local.add(span);
    return span;
  }

  /** Spans started here, so a child knows its parent's decision is local (weakly held). */
  private readonly local = new WeakSet<SpanContext>();

  private remote(parent: SpanContext): boolean {
    return !this.local.has(parent);
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
      const response = await fetch(this.url, {
        method: "POST",
        headers: { ...this.options.headers, "content-type": "application/json" },
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
