import type { Counter } from "../../_shared/prometheus.ts";
import type { Store } from "../../_shared/store/store.ts";

const dayKeyTtlSeconds = 172_800;

/** The store key of one counter's total on one UTC day. */
export function dailyTotalKey(metricName: string, now: Date = new Date()): string {
  return `llm:daily:${now.toISOString().slice(0, 10)}:${metricName}`;
}

function counterTotal(counter: Counter): number {
  let total = 0;
  for (const [, value] of counter.samples()) total += value;
  return total;
}

/**
 * Today's totals of a few counters (cost, cost avoided), which Prometheus counters cannot give: at
 * each metrics write, what each counter gained since the last one is added to a per-day store key,
 * shared by every process on the store (per process on the memory store).
 */
export class DailyTotals {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly counters: readonly Counter[],
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const counter of counters) this.seen.set(counter.name, 0);
  }

  /** Adds what changed to today's keys. A failed add is dropped (it may have been applied). */
  async write(): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const counter of this.counters) {
      const total = counterTotal(counter);
      const delta = total - (this.seen.get(counter.name) ?? 0);
      if (delta === 0) continue;
      this.seen.set(counter.name, total);
      writes.push(
        this.store
          .increment(dailyTotalKey(counter.name, this.now()), delta, dayKeyTtlSeconds)
          .catch(() => undefined),
      );
    }
    await Promise.all(writes);
  }

  /** Today's total of a counter (after a {@link write}). */
  async today(metricName: string): Promise<number> {
    const value = await this.store.get(dailyTotalKey(metricName, this.now()));
    return value === null ? 0 : Number(value);
  }
}
