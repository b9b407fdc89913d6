import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../../../test/support/redis-server.ts";
import {
  startUpstashRestServer,
  type UpstashRestServer,
} from "../../../test/support/upstash-rest-server.ts";
import { timeouts } from "../../../test/support/timeouts.ts";
import { GuardedStore } from "./guarded-store.ts";
import { UpstashStore } from "./upstash-store.ts";

let redis: RedisServer;
let bridge: UpstashRestServer;
let store: UpstashStore;

beforeAll(async () => {
  redis = await startRedisServer();
  bridge = await startUpstashRestServer({ redisUrl: redis.url, token: "test-token" });
  store = new UpstashStore({ url: bridge.url, token: "test-token" });
});

afterAll(async () => {
  await bridge?.close();
  await redis?.stop();
});

describe("UpstashStore over the REST protocol", () => {
  it("sets and gets string values unchanged", async () => {
    await store.set("u:a", '{"json":"value"}');
    expect(await store.getMany(["u:a", "u:missing"])).toEqual(['{"json":"value"}', null]);
  });

  it("honours onlyIfAbsent with a TTL", async () => {
    expect(await store.set("u:nx", "1", { onlyIfAbsent: true, ttlSeconds: 10 })).toBe(true);
    expect(await store.set("u:nx", "2", { onlyIfAbsent: true, ttlSeconds: 10 })).toBe(false);
  });

  it("increments by fractions through the script", async () => {
    await store.increment("u:float", 0.25, 60);
    expect(await store.increment("u:float", 0.5, 60)).toBe(0.75);
  });

  it("refuses an increment past the limit", async () => {
    expect(await store.incrementWithinLimit("u:cap", 0.75, 1, 60)).toEqual({
      accepted: true,
      total: 0.75,
    });
    expect(await store.incrementWithinLimit("u:cap", 0.5, 1, 60)).toEqual({
      accepted: false,
      total: 0.75,
    });
  });

  it("deletes keys and pings", async () => {
    await store.delete("u:a");
    expect(await store.get("u:a")).toBeNull();
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("rejects with a wrong token", async () => {
    await expect(
      new UpstashStore({ url: bridge.url, token: "wrong" }).get("u:a"),
    ).rejects.toThrow();
  });

  it("answers through the guard, bounded by a timeout no loaded machine reaches", async () => {
    const errors: string[] = [];
    const guarded = new GuardedStore(store, {
      timeoutMs: timeouts.storeCall,
      onError: (operation) => errors.push(operation),
    });

    await guarded.ping();

    expect(errors).toEqual([]);
  });
});
