import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { BreakerOpenError } from "../errors.ts";

/** A provider's circuit state as `/health` reports it. */
export type BreakerState = "closed" | "open" | "half-open";

/** Settings of {@link SharedBreaker}. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker (`LLM_BREAKER_THRESHOLD`). */
  threshold: number;
  /** Open time before one probe goes through (`LLM_BREAKER_HALF_OPEN_AFTER_MS`). */
  halfOpenAfterMs: number;
  /** How long a probe holds its slot before another may try (a probe that died frees it). */
  probeTimeoutMs: number;
  /** Told about every state the breaker observes, e.g. to update `llm_gateway_breaker_state`. */
  onState?: (provider: string, state: BreakerState) => void;
}

/** Permission for one attempt, handed back to record its outcome. */
export interface BreakerPermit {
  /** The provider called. */
  readonly provider: string;
  /** This attempt is the half-open probe: its outcome closes or re-opens the breaker. */
  readonly probe: boolean;
  /** Failures counted when the permit was issued; a success only writes when there were some. */
  readonly failuresSeen: number;
}

/** Keys expire eventually so a provider that is never called again leaves nothing behind. */
const stateTtlSeconds = 86_400;

/**
 * Consecutive-failure circuit breaker per provider whose state lives in the {@link Store}, so every
 * gateway process (and every short-lived edge isolate) on the same Redis sees the same open breaker.
 * Cockatiel's `CircuitBreakerPolicy` keeps its state in process memory, which cannot be shared
 * between isolates, so the state machine is kept here (closed -> open after `threshold` failures ->
 * one half-open probe after `halfOpenAfterMs` -> closed on success, open again on failure), while
 * cockatiel drives retries and timeouts. When the shared store is unreachable, a process-local
 * store takes over so the breaker still protects this process.
 */
export class SharedBreaker {
  private readonly local = new MemoryStore(1000);

  constructor(
    private readonly store: Store,
    private readonly options: BreakerOptions,
  ) {}

  private async use<T>(operation: (store: Store) => Promise<T>): Promise<T> {
    if (this.store === this.local) return operation(this.local);
    try {
      return await operation(this.store);
    } catch (error) {
      if (isStoreUnavailableError(error)) return operation(this.local);
      throw error;
    }
  }

  private keys(provider: string): { failures: string; opened: string; probe: string } {
    return {
      failures: `llm:breaker:${provider}:failures`,
      opened: `llm:breaker:${provider}:opened`,
      probe: `llm:breaker:${provider}:probe`,
    };
  }

  /** Lets one attempt through, or throws {@link BreakerOpenError} while open (or while another probe runs). */
  async acquire(provider: string): Promise<BreakerPermit> {
    const keys = this.keys(provider);
    return this.use(async (store) => {
      const [failures, opened] = await store.getMany([keys.failures, keys.opened]);
      const failuresSeen = failures === null ? 0 : Number(failures);
      if (opened === null) {
        return { provider, probe: false, failuresSeen };
      }
      if (Date.now() - Number(opened) < this.options.halfOpenAfterMs) {
        this.options.onState?.(provider, "open");
        throw new BreakerOpenError(provider);
      }
      const probeTtlSeconds = Math.max(1, Math.ceil(this.options.probeTimeoutMs / 1000));
      const isProbe = await store.set(keys.probe, "1", {
        ttlSeconds: probeTtlSeconds,
        onlyIfAbsent: true,
      });
      this.options.onState?.(provider, "half-open");
      if (!isProbe) throw new BreakerOpenError(provider);
      return { provider, probe: true, failuresSeen };
    });
  }

  /** A successful attempt closes a half-open breaker and resets the consecutive failure count. */
  async recordSuccess(permit: BreakerPermit): Promise<void> {
    if (!permit.probe && permit.failuresSeen === 0) return;
    const keys = this.keys(permit.provider);
    await this.use((store) => store.delete(keys.failures, keys.opened, keys.probe));
    this.options.onState?.(permit.provider, "closed");
  }

  /** A failed attempt counts towards the threshold; a failed probe re-opens the breaker at once. */
  async recordFailure(permit: BreakerPermit): Promise<void> {
    const keys = this.keys(permit.provider);
    await this.use(async (store) => {
      if (permit.probe) {
        await store.set(keys.opened, String(Date.now()), { ttlSeconds: stateTtlSeconds });
        await store.delete(keys.probe);
        this.options.onState?.(permit.provider, "open");
        return;
      }
      const failures = await store.increment(keys.failures, 1, stateTtlSeconds);
      if (failures >= this.options.threshold) {
        // NX keeps the first opening time when several processes cross the threshold together.
        await store.set(keys.opened, String(Date.now()), {
          ttlSeconds: stateTtlSeconds,
          onlyIfAbsent: true,
        });
        this.options.onState?.(permit.provider, "open");
      }
    });
  }

  /** The current state, for `/health` and the breaker gauge. */
  async state(provider: string): Promise<BreakerState> {
    const keys = this.keys(provider);
    const state = await this.use(async (store): Promise<BreakerState> => {
      const opened = await store.get(keys.opened);
      if (opened === null) return "closed";
      return Date.now() - Number(opened) < this.options.halfOpenAfterMs ? "open" : "half-open";
    });
    this.options.onState?.(provider, state);
    return state;
  }
}
