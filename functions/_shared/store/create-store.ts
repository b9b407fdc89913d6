import { GuardedStore, type StoreUnavailableError } from "./guarded-store.ts";
import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";
import type { Store } from "./store.ts";
import { UpstashStore } from "./upstash-store.ts";

/** Which store to build; see {@link createStore}. */
export interface StoreSettings {
  /** `UPSTASH_REDIS_REST_URL`; used together with `upstashToken`. */
  upstashUrl?: string;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  upstashToken?: string;
  /** `REDIS_URL`; used when no Upstash variables are set. */
  redisUrl?: string;
  /** Bound on each remote call (`LLM_STORE_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Counts a failed or timed-out call. */
  onError: (operation: string, error: StoreUnavailableError) => void;
  /** Receives background connection errors of the TCP client. */
  onConnectionError?: (error: unknown) => void;
}

/** Upstash REST when both Upstash variables are set, else Redis TCP with `REDIS_URL`, else memory. */
export function createStore(settings: StoreSettings): Store {
  const guard = { timeoutMs: settings.timeoutMs, onError: settings.onError };
  if (settings.upstashUrl && settings.upstashToken) {
    return new GuardedStore(
      new UpstashStore({ url: settings.upstashUrl, token: settings.upstashToken }),
      guard,
    );
  }
  if (settings.redisUrl) {
    return new GuardedStore(
      new RedisStore({
        url: settings.redisUrl,
        connectTimeoutMs: Math.max(settings.timeoutMs, 1000),
        ...(settings.onConnectionError ? { onError: settings.onConnectionError } : {}),
      }),
      guard,
    );
  }
  return new MemoryStore();
}
