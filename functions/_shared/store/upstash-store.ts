import { Redis } from "@upstash/redis/cloudflare";
import {
  incrementFieldsArguments,
  incrementFieldsScript,
  incrementScript,
  incrementWithinLimitScript,
  type LimitedIncrement,
  type SetOptions,
  type Store,
} from "./store.ts";

/** Connection settings of {@link UpstashStore}. */
export interface UpstashStoreOptions {
  /** `UPSTASH_REDIS_REST_URL`. @example "https://eu1-example-12345.upstash.io" */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN` (a secret: never logged). */
  token: string;
}

/**
 * {@link Store} over Upstash's REST API with `@upstash/redis` (its fetch-only build, which runs on
 * Deno and Node alike). The client's own retries are off: a retried INCRBYFLOAT could count twice.
 */
export class UpstashStore implements Store {
  readonly kind = "upstash" as const;
  private readonly client: Redis;

  constructor(options: UpstashStoreOptions) {
    this.client = new Redis({
      url: options.url,
      token: options.token,
      retry: false,
      automaticDeserialization: false,
      enableTelemetry: false,
    });
  }

  async get(key: string): Promise<string | null> {
    const value = await this.client.get<string>(key);
    return value === null ? null : String(value);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    const values = await this.client.mget<(string | null)[]>(...keys);
    return values.map((value) => (value === null ? null : String(value)));
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const ttl =
      options.ttlSeconds === undefined
        ? undefined
        : Math.max(1, Math.round(options.ttlSeconds * 1000));
    const reply = options.onlyIfAbsent
      ? ttl === undefined
        ? await this.client.set(key, value, { nx: true })
        : await this.client.set(key, value, { nx: true, px: ttl })
      : ttl === undefined
        ? await this.client.set(key, value)
        : await this.client.set(key, value, { px: ttl });
    return reply !== null;
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.client.del(...keys);
  }

  async increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    const reply = await this.client.eval(
      incrementScript,
      [key],
      [String(amount), ttlSeconds === undefined ? "" : String(Math.ceil(ttlSeconds))],
    );
    return Number(reply);
  }

  async incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement> {
    const reply = await this.client.eval(
      incrementWithinLimitScript,
      [key],
      [
        String(amount),
        String(limit),
        ttlSeconds === undefined ? "" : String(Math.ceil(ttlSeconds)),
      ],
    );
    const [accepted, total] = reply as [number, string];
    return { accepted: accepted === 1, total: Number(total) };
  }

  async incrementFields(key: string, amounts: ReadonlyMap<string, number>): Promise<void> {
    if (amounts.size === 0) return;
    await this.client.eval(incrementFieldsScript, [key], incrementFieldsArguments(amounts));
  }

  async getFields(key: string): Promise<Record<string, string>> {
    const reply = await this.client.hgetall<Record<string, unknown>>(key);
    const fields: Record<string, string> = {};
    for (const field of Object.keys(reply ?? {})) fields[field] = String(reply?.[field]);
    return fields;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
