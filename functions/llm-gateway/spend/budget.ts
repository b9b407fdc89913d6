import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import type { Store } from "../../_shared/store/store.ts";

/** A reservation against the daily cap, settled to the actual cost once the answer is complete. */
export interface Reservation {
  /** The UTC day key the amount was added to. */
  readonly key: string;
  /** USD added by the reservation (0 when nothing was added). */
  readonly amount: number;
  /**
   * False when the store failed during the reservation: the increment may or may not have been
   * applied, so settling adds nothing rather than risk counting twice.
   */
  readonly known: boolean;
}

/** Settings of {@link Budget}. */
export interface BudgetOptions {
  /** `LLM_DAILY_CAP_USD`; spend is still tracked without a cap. */
  capUsd: number | undefined;
  /**
   * `LLM_HARD_CAP_USD`: the limit of tiers that are not expensive, which keep serving past the
   * daily cap until it. Undefined: the daily cap is the limit of every tier.
   */
  hardCapUsd?: number | undefined;
  /** Told the day's total after each store operation (`llm_gateway_budget_spent_usd`). */
  onTotal?: (totalUsd: number) => void;
}

/** Day keys outlive the day so late settlements still land; two days is enough. */
const dayKeyTtlSeconds = 172_800;

/** The store key for a UTC day. */
export function budgetKey(now: Date = new Date()): string {
  return `llm:budget:${now.toISOString().slice(0, 10)}`;
}

/**
 * The daily spend cap, enforced atomically in the store: each candidate reserves an estimate with
 * one `incrementWithinLimit` (so concurrent requests cannot together pass the cap), and the
 * reservation is settled to the actual cost afterwards. Store failures fail open (requests keep
 * being served) and never lead to a second increment of an amount that may already be counted.
 */
export class Budget {
  constructor(
    private readonly store: Store,
    private readonly options: BudgetOptions,
  ) {}

  /** Whether a cap is configured. */
  get capped(): boolean {
    return this.options.capUsd !== undefined;
  }

  /**
   * Reserves `estimateUsd` for a candidate; returns undefined when it does not fit in the cap (the
   * hard cap, when one is set, for a tier that is not expensive). Candidates of expensive tiers
   * are refused once the cap is reached even when their estimate is 0.
   */
  async reserve(estimateUsd: number, expensive: boolean): Promise<Reservation | undefined> {
    const key = budgetKey();
    const cap = this.options.capUsd;
    if (cap === undefined) return { key, amount: 0, known: true };
    if (estimateUsd <= 0 && !expensive) return { key, amount: 0, known: true };
    // A tiny positive amount makes "cap reached" refuse a free candidate of an expensive tier.
    const amount = Math.max(estimateUsd, expensive ? Number.EPSILON : 0);
    const limit = expensive ? cap : Math.max(cap, this.options.hardCapUsd ?? cap);
    try {
      const result = await this.store.incrementWithinLimit(key, amount, limit, dayKeyTtlSeconds);
      this.options.onTotal?.(result.total);
      return result.accepted ? { key, amount, known: true } : undefined;
    } catch (error) {
      if (isStoreUnavailableError(error)) return { key, amount: 0, known: false };
      throw error;
    }
  }

  /** Replaces the reservation by the actual cost (one increment of the difference, never retried). */
  async settle(reservation: Reservation, actualUsd: number): Promise<void> {
    if (!reservation.known) return;
    const difference = actualUsd - reservation.amount;
    if (difference === 0) return;
    try {
      // Not inlined into `onTotal?.(...)`: optional calls skip evaluating their arguments.
      const total = await this.store.increment(reservation.key, difference, dayKeyTtlSeconds);
      this.options.onTotal?.(total);
    } catch (error) {
      if (!isStoreUnavailableError(error)) throw error;
    }
  }

  /** Gives a reservation back (the candidate failed). */
  release(reservation: Reservation): Promise<void> {
    return this.settle(reservation, 0);
  }

  /** Today's total (reserved and spent), for `/health` and the gauge. */
  async spentToday(): Promise<number> {
    const value = await this.store.get(budgetKey());
    const total = value === null ? 0 : Number(value);
    this.options.onTotal?.(total);
    return total;
  }
}
