import type { LimitedIncrement, SetOptions, Store } from "./store.ts";

interface Entry {
  value: string;
  /** Epoch milliseconds, or Infinity. */
  expiresAt: number;
}

/**
 * Process-local {@link Store} for local runs and tests. Expiry is checked on read against
 * `Date.now()`, so fake timers drive it; a capacity bound evicts the oldest evictable entry first.
 */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, Entry>();
  private writesSinceSweep = 0;

  /**
   * @param maxEntries entries kept before the oldest evictable one is dropped.
   * @param evictablePrefix only keys with this prefix are evicted (e.g. cache entries), so budget
   *   counters and breaker state are never lost to cache pressure; "" makes every key evictable.
   */
  constructor(
    private readonly maxEntries = 10_000,
    private readonly evictablePrefix = "",
  ) {}

  private sweepExpired(): void {
    this.writesSinceSweep = 0;
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private read(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    // Expired keys nobody reads again (old rate-limit windows) would otherwise stay forever.
    if (++this.writesSinceSweep >= 1000) this.sweepExpired();
    if (this.entries.size > this.maxEntries) {
      // Map iteration is insertion order and writes re-insert, so the first match is the oldest.
      for (const candidate of this.entries.keys()) {
        if (candidate.startsWith(this.evictablePrefix)) {
          this.entries.delete(candidate);
          break;
        }
      }
    }
  }

  private expiry(ttlSeconds: number | undefined): number {
    return ttlSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlSeconds * 1000;
  }

  /** Entries held, expired ones included until they are read or swept. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.read(key)?.value ?? null);
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((key) => this.read(key)?.value ?? null));
  }

  set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.onlyIfAbsent && this.read(key) !== undefined) return Promise.resolve(false);
    this.write(key, value, this.expiry(options.ttlSeconds));
    return Promise.resolve(true);
  }

  delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    const entry = this.read(key);
    const total = (entry ? Number(entry.value) : 0) + amount;
    this.write(key, String(total), entry ? entry.expiresAt : this.expiry(ttlSeconds));
    return Promise.resolve(total);
  }

  incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement> {
    const entry = this.read(key);
    const current = entry ? Number(entry.value) : 0;
    if (current + amount > limit) return Promise.resolve({ accepted: false, total: current });
    const total = current + amount;
    this.write(key, String(total), entry ? entry.expiresAt : this.expiry(ttlSeconds));
    return Promise.resolve({ accepted: true, total });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
