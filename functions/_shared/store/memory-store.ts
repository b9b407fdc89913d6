import type { LimitedIncrement, SetOptions, Store } from "./store.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Entry {
  /** Short values as strings; from {@link memoryStoreBytesFromLength} code units on, UTF-8 bytes. */
  value: string | Uint8Array;
  /** Epoch milliseconds, or Infinity. */
  expiresAt: number;
  /** What {@link entryBytes} counted for this entry when it was written. */
  bytes: number;
}

/**
 * Bytes counted for an entry besides its key and value: the entry object, its map slot and the
 * string headers, rounded up so that many small entries cannot hide behind the bound.
 */
export const memoryStoreEntryOverheadBytes = 96;

/**
 * The default byte bound of {@link MemoryStore}: what the gateway keeps in process memory when no
 * Redis is configured (`GATEWAY_MEMORY_STORE_MAX_BYTES`).
 */
export const defaultMemoryStoreMaxBytes = 64 * 1024 * 1024;

/**
 * Values from this many UTF-16 code units on are held as UTF-8 bytes, outside the JavaScript heap.
 * A cached answer lives long enough to be promoted to V8's old space, and evicted ones then pile up
 * there until a full collection, which V8 puts off until the old space has grown by hundreds of
 * MiB: with 50 KB answers the process grew to about 475 MiB for a 64 MiB bound. Memory outside the
 * heap counts towards V8's external-memory limit, which triggers a collection after about 64 MiB,
 * and the answer string itself dies young. Decoding costs about 10 us per 50 KB hit.
 */
export const memoryStoreBytesFromLength = 4096;

/** Writes between two sweeps of expired entries, at least (see {@link MemoryStore}). */
const minimumWritesBetweenSweeps = 1000;

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Approximate bytes held before the least recently used evictable entry is dropped: two bytes per
   * UTF-16 code unit of keys and short values (an upper estimate of what the JavaScript engine
   * holds), the UTF-8 length of values held as bytes (see {@link memoryStoreBytesFromLength}), plus
   * {@link memoryStoreEntryOverheadBytes} per entry. Entries that are not evictable count
   * towards the bound but are never dropped for it.
   * @default defaultMemoryStoreMaxBytes (64 MiB)
   * @example 16 * 1024 * 1024
   */
  maxBytes?: number;
  /**
   * Entries held before the least recently used evictable entry is dropped.
   * @default Infinity (only the byte bound applies)
   */
  maxEntries?: number;
  /**
   * Only keys with this prefix are evicted (the response cache's), so budget counters, breaker
   * state and rate-limit windows are never lost to cache pressure; "" makes every key evictable.
   * @default ""
   * @example "llm:cache:"
   */
  evictablePrefix?: string;
}

/** Approximate bytes of one entry, as {@link MemoryStoreOptions.maxBytes} counts them. */
export function entryBytes(key: string, value: string | Uint8Array): number {
  const valueBytes = typeof value === "string" ? value.length * 2 : value.byteLength;
  return key.length * 2 + valueBytes + memoryStoreEntryOverheadBytes;
}

function held(value: string): string | Uint8Array {
  return value.length >= memoryStoreBytesFromLength ? encoder.encode(value) : value;
}

function text(value: string | Uint8Array): string {
  return typeof value === "string" ? value : decoder.decode(value);
}

/**
 * Process-local {@link Store} for local runs and tests, bounded by bytes with least-recently-used
 * eviction: a read or a write makes a key the most recent, so a key that keeps being hit survives
 * any number of other writes. Evictable and pinned keys live in separate maps, so evicting never
 * walks past budget or breaker keys. Expiry is checked on read against `Date.now()`, so fake timers
 * drive it; expired keys nobody reads again are swept as writes go by.
 */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  /** Keys with the evictable prefix, least recently used first (a `Map` keeps insertion order). */
  private readonly evictable = new Map<string, Entry>();
  /** Every other key: never evicted, only expired or deleted. */
  private readonly pinned = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly evictablePrefix: string;
  private heldBytes = 0;
  private writesSinceSweep = 0;

  /**
   * @param options the bounds and which keys may be evicted; a number is `maxEntries` with no byte
   *   bound, and `evictablePrefix` then comes second (the form callers used before the byte bound).
   * @param evictablePrefix see {@link MemoryStoreOptions.evictablePrefix}; only with a number.
   */
  constructor(options: MemoryStoreOptions | number = {}, evictablePrefix = "") {
    const settings: MemoryStoreOptions =
      typeof options === "number"
        ? { maxEntries: options, maxBytes: Number.POSITIVE_INFINITY, evictablePrefix }
        : options;
    this.maxBytes = settings.maxBytes ?? defaultMemoryStoreMaxBytes;
    this.maxEntries = settings.maxEntries ?? Number.POSITIVE_INFINITY;
    this.evictablePrefix = settings.evictablePrefix ?? "";
  }

  private mapOf(key: string): Map<string, Entry> {
    return key.startsWith(this.evictablePrefix) ? this.evictable : this.pinned;
  }

  private remove(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.delete(key);
    this.heldBytes -= entry.bytes;
  }

  private sweepExpired(): void {
    this.writesSinceSweep = 0;
    const now = Date.now();
    for (const map of [this.evictable, this.pinned]) {
      for (const [key, entry] of map) {
        if (entry.expiresAt <= now) this.remove(map, key, entry);
      }
    }
  }

  private read(key: string): Entry | undefined {
    const map = this.mapOf(key);
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(map, key, entry);
      return undefined;
    }
    if (map === this.evictable) {
      // Re-inserting moves the key to the most recent end of the map.
      map.delete(key);
      map.set(key, entry);
    }
    return entry;
  }

  private write(key: string, value: string, expiresAt: number): void {
    const map = this.mapOf(key);
    const previous = map.get(key);
    if (previous !== undefined) this.remove(map, key, previous);
    const stored = held(value);
    const bytes = entryBytes(key, stored);
    map.set(key, { value: stored, expiresAt, bytes });
    this.heldBytes += bytes;
    // Expired keys nobody reads again (old rate-limit windows) would otherwise stay forever. The
    // interval grows with the store so that sweeping costs at most one entry visit per write.
    if (++this.writesSinceSweep >= Math.max(minimumWritesBetweenSweeps, this.size)) {
      this.sweepExpired();
    }
    this.evict();
  }

  /** Drops least recently used evictable entries until both bounds hold (or none is left). */
  private evict(): void {
    while (this.heldBytes > this.maxBytes || this.size > this.maxEntries) {
      const oldest = this.evictable.entries().next();
      if (oldest.done === true) return;
      const [key, entry] = oldest.value;
      this.remove(this.evictable, key, entry);
    }
  }

  private expiry(ttlSeconds: number | undefined): number {
    return ttlSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlSeconds * 1000;
  }

  /** Entries held, expired ones included until they are read or swept. */
  get size(): number {
    return this.evictable.size + this.pinned.size;
  }

  /** Approximate bytes held, as {@link MemoryStoreOptions.maxBytes} counts them. */
  get bytes(): number {
    return this.heldBytes;
  }

  get(key: string): Promise<string | null> {
    const entry = this.read(key);
    return Promise.resolve(entry === undefined ? null : text(entry.value));
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.resolve(
      keys.map((key) => {
        const entry = this.read(key);
        return entry === undefined ? null : text(entry.value);
      }),
    );
  }

  set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.onlyIfAbsent && this.read(key) !== undefined) return Promise.resolve(false);
    this.write(key, value, this.expiry(options.ttlSeconds));
    return Promise.resolve(true);
  }

  delete(...keys: string[]): Promise<void> {
    for (const key of keys) {
      const map = this.mapOf(key);
      const entry = map.get(key);
      if (entry !== undefined) this.remove(map, key, entry);
    }
    return Promise.resolve();
  }

  increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    const entry = this.read(key);
    const total = (entry ? Number(text(entry.value)) : 0) + amount;
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
    const current = entry ? Number(text(entry.value)) : 0;
    if (current + amount > limit) return Promise.resolve({ accepted: false, total: current });
    const total = current + amount;
    this.write(key, String(total), entry ? entry.expiresAt : this.expiry(ttlSeconds));
    return Promise.resolve({ accepted: true, total });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.evictable.clear();
    this.pinned.clear();
    this.heldBytes = 0;
    return Promise.resolve();
  }
}
