import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { RateLimitExceededError } from "../errors.ts";

/**
 * Fixed one-minute window per caller, counted in the shared store so every gateway process
 * enforces the same limit (`GATEWAY_RATE_LIMIT_PER_MINUTE`). A store outage lets requests through.
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly limitPerMinute: number,
  ) {}

  /** Counts one request. @throws RateLimitExceededError over the limit, with Retry-After. */
  async check(callerId: string, now: number = Date.now()): Promise<void> {
    const window = Math.floor(now / 60_000);
    let count: number;
    try {
      count = await this.store.increment(`llm:ratelimit:${callerId}:${window}`, 1, 61);
    } catch (error) {
      if (isStoreUnavailableError(error)) return;
      throw error;
    }
    if (count > this.limitPerMinute) {
      throw new RateLimitExceededError(
        this.limitPerMinute,
        Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000)),
      );
    }
  }
}
