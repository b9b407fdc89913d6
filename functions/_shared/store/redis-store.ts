import { createClient } from "redis";
import {
  incrementFieldsArguments,
  incrementFieldsScript,
  incrementScript,
  incrementWithinLimitScript,
  type LimitedIncrement,
  type SetOptions,
  type Store,
} from "./store.ts";

/** Connection settings of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL (`REDIS_URL`). @example "redis://127.0.0.1:6379" */
  url: string;
  /** TCP connect timeout in milliseconds. @default 1000 */
  connectTimeoutMs?: number;
  /** Called with connection errors (already redacted by the logger that receives them). */
  onError?: (error: unknown) => void;
}

function toLimitedIncrement(reply: unknown): LimitedIncrement {
  const [accepted, total] = reply as [number, string];
  return { accepted: accepted === 1, total: Number(total) };
}

/**
 * {@link Store} over Redis TCP with `node-redis` (works under Deno's Node compatibility). Commands
 * fail at once while disconnected (no offline queue) so an outage costs no latency; the client keeps
 * reconnecting in the background.
 */
export class RedisStore implements Store {
  readonly kind = "redis" as const;
  private readonly client;
  private readonly connecting: Promise<unknown>;

  constructor(options: RedisStoreOptions) {
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 1000,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      },
    });
    this.client.on("error", (error: unknown) => options.onError?.(error));
    this.connecting = this.client.connect().catch((error: unknown) => options.onError?.(error));
  }

  private ready(): void {
    if (!this.client.isReady) throw new Error("Redis is not connected");
  }

  async get(key: string): Promise<string | null> {
    this.ready();
    const value = await this.client.get(key);
    return value === null ? null : String(value);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.ready();
    const values = await this.client.mGet([...keys]);
    return values.map((value: unknown) =>
      value === null || value === undefined ? null : String(value),
    );
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    this.ready();
    const reply = await this.client.set(key, value, {
      ...(options.ttlSeconds === undefined
        ? {}
        : {
            expiration: {
              type: "PX" as const,
              value: Math.max(1, Math.round(options.ttlSeconds * 1000)),
            },
          }),
      ...(options.onlyIfAbsent ? { condition: "NX" as const } : {}),
    });
    return reply !== null;
  }

  async delete(...keys: string[]): Promise<void> {
    this.ready();
    if (keys.length > 0) await this.client.del(keys);
  }

  async increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    this.ready();
    const reply = await this.client.eval(incrementScript, {
      keys: [key],
      arguments: [String(amount), ttlSeconds === undefined ? "" : String(Math.ceil(ttlSeconds))],
    });
    return Number(reply);
  }

  async incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement> {
    this.ready();
    const reply = await this.client.eval(incrementWithinLimitScript, {
      keys: [key],
      arguments: [
        String(amount),
        String(limit),
        ttlSeconds === undefined ? "" : String(Math.ceil(ttlSeconds)),
      ],
    });
    return toLimitedIncrement(reply);
  }

  async incrementFields(key: string, amounts: ReadonlyMap<string, number>): Promise<void> {
    this.ready();
    if (amounts.size === 0) return;
    await this.client.eval(incrementFieldsScript, {
      keys: [key],
      arguments: incrementFieldsArguments(amounts),
    });
  }

  async getFields(key: string): Promise<Record<string, string>> {
    this.ready();
    const reply = (await this.client.hGetAll(key)) as Record<string, unknown>;
    const fields: Record<string, string> = {};
    for (const field of Object.keys(reply)) fields[field] = String(reply[field]);
    return fields;
  }

  async ping(): Promise<void> {
    this.ready();
    await this.client.ping();
  }

  async close(): Promise<void> {
    // Not awaiting `connecting`: against a dead server it only settles when reconnection stops.
    if (this.client.isOpen) this.client.destroy();
    await Promise.race([this.connecting, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}
