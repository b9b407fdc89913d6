/** Which backend a {@link Store} talks to. */
export type StoreKind = "memory" | "redis" | "upstash";

/** Options of {@link Store.set}. */
export interface SetOptions {
  /** Expiry in seconds; the key lives forever when absent. */
  ttlSeconds?: number;
  /** Only write when the key does not exist yet (Redis `NX`). @default false */
  onlyIfAbsent?: boolean;
}

/** Outcome of {@link Store.incrementWithinLimit}. */
export interface LimitedIncrement {
  /** Whether the increment was applied (the new total stayed within the limit). */
  accepted: boolean;
  /** The total after the operation (unchanged when not accepted). */
  total: number;
}

/**
 * The one key-value interface behind the response cache, the budget counter, shared breaker state
 * and rate limits. Every method is a single round trip and none is retried by the implementations:
 * an increment that times out may or may not have happened, and retrying it could count twice.
 */
export interface Store {
  /** Backend kind, reported by `/health`. */
  readonly kind: StoreKind;
  /** The value, or null when missing or expired. */
  get(key: string): Promise<string | null>;
  /** Values of several keys in one round trip, in order. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Writes a value; returns false when `onlyIfAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Deletes keys (missing keys are ignored). */
  delete(...keys: string[]): Promise<void>;
  /**
   * Adds `amount` (may be fractional or negative) and returns the new total. `ttlSeconds` is applied
   * only when the key is created, so a fixed window or a day key keeps its original expiry.
   */
  increment(key: string, amount: number, ttlSeconds?: number): Promise<number>;
  /**
   * Atomically adds `amount` only if the total stays `<= limit`; the budget reservation primitive.
   * `ttlSeconds` as for {@link Store.increment}.
   */
  incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement>;
  /**
   * Adds each amount to its field of the hash `key` (Redis `HINCRBYFLOAT`), all in one round trip
   * and all or none. Remote stores only: a store without it keeps metrics per process.
   */
  incrementFields?(key: string, amounts: ReadonlyMap<string, number>): Promise<void>;
  /** Every field of the hash `key` (Redis `HGETALL`); empty when missing. With {@link Store.incrementFields}. */
  getFields?(key: string): Promise<Record<string, string>>;
  /** Round trip to the backend; rejects when it is unreachable. */
  ping(): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** Lua for {@link Store.incrementWithinLimit} on Redis (TCP and Upstash REST run the same script). */
export const incrementWithinLimitScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if current + amount > limit then
  return {0, tostring(current)}
end
local total = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if ARGV[3] ~= '' and redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return {1, tostring(total)}
`;

/** Lua for {@link Store.increment} with expiry-on-create in one round trip. */
export const incrementScript = `
local total = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return tostring(total)
`;

/** Lua for {@link Store.incrementFields}: ARGV holds field, amount pairs; a script runs atomically. */
export const incrementFieldsScript = `
for index = 1, #ARGV, 2 do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[index], ARGV[index + 1])
end
return #ARGV / 2
`;

/** The ARGV of {@link incrementFieldsScript}. */
export function incrementFieldsArguments(amounts: ReadonlyMap<string, number>): string[] {
  const values: string[] = [];
  for (const [field, amount] of amounts) values.push(field, String(amount));
  return values;
}
