import { GuardedStore, type StoreUnavailableError } from "./guarded-store.ts";
import { defaultMemoryStoreMaxBytes, MemoryStore } from "./memory-store.ts";
import type { Store } from "./store.ts";

/** Which store to build; see {@link createStore}. */
export interface StoreSettings {
  /** `UPSTASH_REDIS_REST_URL`; used together with `upstashToken`. */
  upstashUrl?: string | undefined;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  upstashToken?: string | undefined;
  /** `REDIS_URL`; used when no Upstash variables are set. */
  redisUrl?: string | undefined;
  /** Bound on each remote call (`LLM_STORE_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Counts a failed or timed-out call. */
  onError: (operation: string, error: StoreUnavailableError) => void;
  /** Receives background connection errors of the TCP client. */
  onConnectionError?: (error: unknown) => void;
  /**
   * Byte bound of the in-memory store used when no remote store is configured
   * (`GATEWAY_MEMORY_STORE_MAX_BYTES`); counted as `MemoryStoreOptions.maxBytes` says.
   * @default defaultMemoryStoreMaxBytes (64 MiB)
   */
  memoryMaxBytes?: number | undefined;
}

/**
 * Upstash REST when both Upstash variables are set, else Redis TCP with `REDIS_URL`, else memory.
 * The remote clients are imported only when configured: `redis` alone adds ~200 ms to a cold
 * start under Deno, which an edge function pays on every new isolate.
 */
export async function createStore(settings: StoreSettings): Promise<Store> {
  const guard = { timeoutMs: settings.timeoutMs, onError: settings.onError };
  if (settings.upstashUrl && settings.upstashToken) {
    const { UpstashStore } = await import("./upstash-store.ts");
    return new GuardedStore(
      new UpstashStore({ url: settings.upstashUrl, token: settings.upstashToken }),
      guard,
    );
  }
  if (settings.redisUrl) {
    const { RedisStore } = await import("./redis-store.ts");
    return new GuardedStore(
      new RedisStore({
        url: settings.redisUrl,
        connectTimeoutMs: Math.max(settings.timeoutMs, 1000),
        ...(settings.onConnectionError ? { onError: settings.onConnectionError } : {}),
      }),
      guard,
    );
  }
  // Cache entries make way under pressure; budget counters and breaker state never do.
  return new MemoryStore({
    maxBytes: settings.memoryMaxBytes ?? defaultMemoryStoreMaxBytes,
    evictablePrefix: "llm:cache:",
  });
}
