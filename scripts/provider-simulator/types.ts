/** The providers the simulator stands in for. */
export type ProviderName = "openai" | "anthropic" | "gemini";

/** How a `retry-after` hint is written on a 429 (or 503/529) fault. */
export type RetryAfterHint =
  | {
      /** `retry-after: <seconds>`. */
      seconds: number;
    }
  | {
      /** `retry-after: <HTTP-date>`, this many milliseconds from now (rounded up to the second). */
      httpDateInMs: number;
    }
  | {
      /** `retry-after-ms: <milliseconds>` (OpenAI's non-standard header). */
      milliseconds: number;
    };

/**
 * One injected failure. A fault replaces the normal answer of one request (queued faults) or of
 * every request (persistent fault) sent to a provider.
 */
export type Fault =
  | {
      /** An HTTP error with the provider's own error body. */
      kind: "status";
      /**
       * The status code.
       * @example 529
       */
      status: number;
      /** Optional `retry-after` / `retry-after-ms` header. */
      retryAfter?: RetryAfterHint;
      /** The error message, in the provider's error body, instead of the stock one. */
      message?: string;
    }
  | {
      /**
       * Streaming, OpenAI wire only: the first chunks, then 16 KB content chunks every 2 ms until
       * the client goes away (a stream a client that stops reading cannot take in).
       */
      kind: "endless-stream";
    }
  | {
      /** A 200 whose body (or, streaming, whose one SSE event) is padded to about `bytes` bytes. */
      kind: "oversize";
      /** Size of the padding. @example 60000000 */
      bytes: number;
    }
  | {
      /** The socket is destroyed as soon as the request arrives: the client sees a reset connection. */
      kind: "reset";
    }
  | {
      /** The request is read and never answered; the socket stays open until the client gives up. */
      kind: "hang";
    }
  | {
      /** A 200 whose body is cut-off JSON (non-streaming) or an SSE event whose data is not JSON (streaming). */
      kind: "malformed-json";
    }
  | {
      /** Streaming only: a 200 SSE response whose first event is the provider's error event. */
      kind: "sse-error-before-first-chunk";
    }
  | {
      /** Streaming only: the first content chunk is sent, then the socket is destroyed. */
      kind: "sse-cut-after-first-chunk";
    }
  | {
      /** The normal answer, but the first byte (status line) waits this long. */
      kind: "slow-first-byte";
      /**
       * Delay before the status line, in milliseconds.
       * @example 2000
       */
      delayMs: number;
    };

/** What the simulator saw of one request, in arrival order. */
export interface RecordedRequest {
  /** Which provider route received it. */
  provider: ProviderName;
  /**
   * The request path, without the `/openai` or `/anthropic` prefix.
   * @example "/v1/chat/completions"
   */
  path: string;
  /** The HTTP method. */
  method: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or `undefined` when the body was not JSON. */
  body: unknown;
  /** The fault applied to this request, if any. */
  fault?: Fault["kind"];
  /** `Date.now()` when the request body had been read. */
  receivedAt: number;
}

/** Options of {@link startProviderSimulator}. */
export interface ProviderSimulatorOptions {
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Address to listen on. Only loopback addresses are allowed.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Delay before every response's first byte, in milliseconds.
   * @default 0
   */
  latencyMs?: number;
  /**
   * When set, the exact API key each provider accepts; otherwise any non-empty key is accepted.
   * @example { openai: "sk-test", anthropic: "sk-ant-test" }
   */
  apiKeys?: Partial<Record<ProviderName, string>>;
  /**
   * Whether to keep every request in `requests`. Benchmarks turn it off to keep memory flat.
   * @default true
   */
  recordRequests?: boolean;
}
