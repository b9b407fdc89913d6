import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { StoreDecorator } from "../../_shared/store/store-decorator.ts";
import type { Span, Tracer } from "./tracing.ts";

/**
 * Attribute names of store and database spans. `db.system` is the name of the OpenTelemetry
 * database conventions before 1.30, which most backends still index; `db.system.name` is the
 * stable one: both are set, as the conventions' `database/dup` transition mode does.
 */
export const databaseAttributes = {
  system: "db.system",
  systemName: "db.system.name",
  operation: "db.operation.name",
} as const;

/** The store backend behind a span (`memory` has no database convention, so it gets its own). */
export const storeKindAttribute = "llm_gateway.store.kind";

/**
 * The attributes every span of one store shares: the backend, never a key or a value (keys hold
 * caller ids and request hashes; values hold answers).
 */
function storeAttributes(kind: Store["kind"]): ReadonlyArray<readonly [string, string]> {
  const attributes: Array<readonly [string, string]> = [[storeKindAttribute, kind]];
  // Upstash is Redis behind a REST API: same commands, same convention.
  if (kind !== "memory") {
    attributes.push([databaseAttributes.system, "redis"], [databaseAttributes.systemName, "redis"]);
  }
  return attributes;
}

/**
 * The part of a failure's reason that may leave in a span: a timeout, a cool-down skip, or a
 * Postgres SQLSTATE code. Backend messages are dropped: they can quote a value (`invalid input
 * syntax for type uuid: "..."`), and spans go to a third-party backend.
 */
export function spanSafeReason(reason: string): string | undefined {
  if (/^(?:timeout after \d+ms|skipped: [a-z ]+|the database client is closed)$/.test(reason)) {
    return reason;
  }
  const sqlState = /^([0-9A-Z]{5}): /.exec(reason)?.[1];
  return sqlState === undefined ? undefined : `SQLSTATE ${sqlState}`;
}

/** How {@link traceCall} reads a failure. */
export interface TraceCallFailures<T> {
  /** The span's status message for a rejection. */
  rejected(error: unknown): string;
  /** The status message for a resolved value that is a failure, or undefined for a success. */
  resolved?(value: T): string | undefined;
}

/**
 * Runs `call` in a client span named `name`, a child of the tracer's active span, ending it failed
 * when `call` rejects or resolves to a failure. Without an active, sampled span it just calls
 * `call`: no allocation.
 */
export async function traceCall<T>(
  tracer: Tracer,
  name: string,
  attributes: ReadonlyArray<readonly [string, string]>,
  call: () => Promise<T>,
  failures: TraceCallFailures<T>,
): Promise<T> {
  const parent = tracer.activeSpan();
  if (parent === undefined || parent.sampled === false) return call();
  const span: Span = tracer.startSpan(name, "client", parent);
  for (const [key, value] of attributes) span.setAttribute(key, value);
  try {
    const value = await call();
    const problem = failures.resolved?.(value);
    if (problem !== undefined) span.setAttribute("error.type", "unavailable");
    span.end(problem);
    return value;
  } catch (error) {
    span.setAttribute("error.type", error instanceof Error ? error.name : "unknown");
    span.end(failures.rejected(error));
    throw error;
  }
}

/**
 * A {@link Store} whose every call is a `Store:<operation>` client span under the active span (a
 * stage such as `Cache:Exact` or `Budget`, or the request's own span), with the backend and the
 * operation as attributes. Wraps the guarded store, so a timeout or failure ends its span failed.
 * Built only when tracing is on: with tracing off the runtime uses the store itself.
 */
export class TracedStore extends StoreDecorator {
  private readonly attributes: ReadonlyArray<readonly [string, string]>;

  constructor(
    inner: Store,
    private readonly tracer: Tracer,
  ) {
    super(inner);
    this.attributes = storeAttributes(inner.kind);
  }

  /** The operation names are the ones `llm_gateway_store_errors_total{operation}` counts. */
  protected around<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return traceCall(
      this.tracer,
      `Store:${operation}`,
      [...this.attributes, [databaseAttributes.operation, operation]],
      call,
      {
        rejected: (error) => {
          const reason = isStoreUnavailableError(error) ? spanSafeReason(error.reason) : undefined;
          return `store ${operation} failed${reason === undefined ? "" : `: ${reason}`}`;
        },
      },
    );
  }
}

/** `store` traced when the tracer exports spans, else `store` itself (no cost with tracing off). */
export function traceStore(store: Store, tracer: Tracer): Store {
  return tracer.enabled ? new TracedStore(store, tracer) : store;
}
