/**
 * Unexpected errors (a 500, a provider answer that cannot be translated) sent to Sentry as
 * envelopes over `fetch`. A small sender rather than `@sentry/deno`: the SDK is published on
 * deno.land/x and JSR only, which this repository never imports from (DESIGN.md section 4), and
 * `@sentry/core` would bring global hubs, integrations and its own transport buffering for what is
 * one POST per error. The envelope format is Sentry's documented ingestion API.
 */

/** What is known about the request an error belongs to. */
export interface ErrorScope {
  /** Request id (echoed or generated). */
  requestId?: string | undefined;
  /** Route, e.g. "/v1/chat/completions". */
  route?: string | undefined;
  /** Trace of the request, when tracing is on. */
  traceId?: string | undefined;
  /** Span the error happened in. */
  spanId?: string | undefined;
  /** Extra searchable tags (no personal data). */
  tags?: Record<string, string>;
}

/** Reports unexpected errors; the no-op one when no DSN is configured. */
export interface ErrorReporter {
  /** Whether reports are sent. */
  readonly enabled: boolean;
  /** Sends one report in the background; never throws, never delays the response. */
  capture(error: unknown, scope?: ErrorScope): void;
}

/** A reporter that sends nothing. */
export const noopErrorReporter: ErrorReporter = { enabled: false, capture: () => undefined };

/** The parts of a DSN: `https://<public key>@<host>/<project id>`. */
export interface ParsedDsn {
  /** Envelope endpoint, `https://<host>/api/<project id>/envelope/`. */
  envelopeUrl: string;
  /** The public key. */
  publicKey: string;
}

/** Parses a Sentry DSN; throws naming `SENTRY_DSN` when it is not one. */
export function parseDsn(dsn: string): ParsedDsn {
  const url = new URL(dsn);
  const projectId = url.pathname.split("/").filter(Boolean).pop();
  if (url.username === "" || projectId === undefined)
    throw new Error("SENTRY_DSN must look like https://<key>@<host>/<project id>");
  const path = url.pathname.slice(0, url.pathname.lastIndexOf("/"));
  return {
    envelopeUrl: `${url.protocol}//${url.host}${path}/api/${projectId}/envelope/`,
    publicKey: decodeURIComponent(url.username),
  };
}

interface StackFrame {
  function?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
}

const framePattern = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/** V8 stack lines as Sentry frames, oldest first (Sentry's order). */
export function stackFrames(stack: string | undefined): StackFrame[] {
  if (stack === undefined) return [];
  const frames: StackFrame[] = [];
  for (const line of stack.split("\n")) {
    const match = framePattern.exec(line);
    if (!match) continue;
    frames.push({
      ...(match[1] ? { function: match[1] } : {}),
      filename: match[2] as string,
      lineno: Number(match[3]),
      colno: Number(match[4]),
    });
  }
  return frames.reverse();
}

/** Settings of {@link SentryReporter}. */
export interface SentryReporterOptions {
  /** `SENTRY_DSN`. */
  dsn: string;
  /** The log redactor: every envelope passes through it, as every log line does. */
  redact: (text: string) => string;
  /** `environment` of the events, e.g. the stack name. @default "production" */
  environment?: string;
  /** `server_name` tag. @default "llm-gateway" */
  serverName?: string;
  /** Told about failed sends (dropped: error tracking never affects requests). */
  onError?: (error: unknown) => void;
  /** Bound on one send, in milliseconds. @default 5000 */
  timeoutMs?: number;
}

function randomId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/** Sends each captured error as one Sentry envelope (an `event` item). */
export class SentryReporter implements ErrorReporter {
  readonly enabled = true;
  private readonly dsn: ParsedDsn;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: SentryReporterOptions) {
    this.dsn = parseDsn(options.dsn);
  }

  /** The envelope text of one error (exposed for tests). */
  envelope(error: unknown, scope: ErrorScope = {}, now: Date = new Date()): string {
    const eventId = randomId();
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    const frames = error instanceof Error ? stackFrames(error.stack) : [];
    const event = {
      event_id: eventId,
      timestamp: now.getTime() / 1000,
      platform: "javascript",
      level: "error",
      logger: "llm-gateway",
      server_name: this.options.serverName ?? "llm-gateway",
      environment: this.options.environment ?? "production",
      exception: {
        values: [
          {
            type: name,
            value: message,
            ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
          },
        ],
      },
      tags: {
        ...(scope.route ? { route: scope.route } : {}),
        ...(scope.requestId ? { request_id: scope.requestId } : {}),
        ...scope.tags,
      },
      ...(scope.traceId
        ? { contexts: { trace: { trace_id: scope.traceId, span_id: scope.spanId ?? "" } } }
        : {}),
    };
    const header = { event_id: eventId, sent_at: now.toISOString() };
    const payload = JSON.stringify(event);
    const item = { type: "event", content_type: "application/json" };
    // The redactor runs over the whole text (as over a log line); the item length is left out,
    // which Sentry allows for items that end at a newline.
    return this.options.redact(`${JSON.stringify(header)}\n${JSON.stringify(item)}\n${payload}\n`);
  }

  capture(error: unknown, scope?: ErrorScope): void {
    const body = this.envelope(error, scope);
    const send = fetch(this.dsn.envelopeUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-sentry-envelope",
        "x-sentry-auth": `Sentry sentry_version=7, sentry_key=${this.dsn.publicKey}, sentry_client=llm-gateway/1.0`,
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok)
          this.options.onError?.(new Error(`Sentry answered HTTP ${response.status}`));
      })
      .catch((sendError: unknown) => this.options.onError?.(sendError))
      .finally(() => this.pending.delete(send));
    this.pending.add(send);
  }

  /** Waits for the sends in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
