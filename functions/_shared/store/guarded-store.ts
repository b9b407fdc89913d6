import type { Store } from "./store.ts";
import { StoreDecorator } from "./store-decorator.ts";

const storeUnavailableMarker = Symbol.for("llm-gateway.StoreUnavailableError");

/** A store call failed or took longer than its bound; callers degrade (bypass the cache, fail open). */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  readonly [storeUnavailableMarker] = true;
  constructor(
    /** The store operation, e.g. "get". */
    readonly operation: string,
    /** What went wrong ("timeout" or the backend's message). */
    readonly reason: string,
  ) {
    super(`store ${operation} failed: ${reason}`);
  }
}

/** Type guard for {@link StoreUnavailableError}, safe across module copies. */
export function isStoreUnavailableError(value: unknown): value is StoreUnavailableError {
  return typeof value === "object" && value !== null && storeUnavailableMarker in value;
}

/** Options of {@link GuardedStore}. */
export interface GuardedStoreOptions {
  /** Bound on every call in milliseconds (`LLM_STORE_TIMEOUT_MS`). */
  timeoutMs: number;
  /**
   * After a timed-out call, further calls fail at once for this long instead of each waiting out
   * the timeout, so a slow store costs one timeout per period rather than one per call.
   * @default 1000
   */
  cooldownMs?: number;
  /** Called once per failed or timed-out call, e.g. to count `llm_gateway_store_errors_total`. */
  onError: (operation: string, error: StoreUnavailableError) => void;
}

/**
 * Wraps a remote {@link Store} so that every call settles within a bound and every failure surfaces
 * as {@link StoreUnavailableError}. It never retries: a timed-out increment may have been applied.
 */
export class GuardedStore extends StoreDecorator {
  private coolingDownUntil = 0;

  constructor(
    inner: Store,
    private readonly options: GuardedStoreOptions,
  ) {
    super(inner);
  }

  protected around<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (Date.now() < this.coolingDownUntil) {
      const error = new StoreUnavailableError(operation, "skipped: the store timed out recently");
      this.options.onError(operation, error);
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      const fail = (error: StoreUnavailableError): void => {
        this.options.onError(operation, error);
        reject(error);
      };
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.coolingDownUntil = Date.now() + (this.options.cooldownMs ?? 1000);
        fail(new StoreUnavailableError(operation, `timeout after ${this.options.timeoutMs}ms`));
      }, this.options.timeoutMs);
      let pending: Promise<T>;
      try {
        pending = call();
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          fail(
            new StoreUnavailableError(
              operation,
              error instanceof Error ? error.message : String(error),
            ),
          );
        },
      );
    });
  }
}
