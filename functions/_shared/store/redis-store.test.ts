import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { startRedisServer, type RedisServer } from "../../../test/support/redis-server.ts";
import { GuardedStore, isStoreUnavailableError } from "./guarded-store.ts";
import { RedisStore } from "./redis-store.ts";

let server: RedisServer;
let store: RedisStore;

async function ready(candidate: RedisStore): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      await candidate.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error("Redis store did not connect");
}

beforeAll(async () => {
  server = await startRedisServer();
  store = new RedisStore({ url: server.url });
  await ready(store);
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

describe("RedisStore against a real redis-server", () => {
  it("sets and gets values, null when missing", async () => {
    await store.set("t:a", "1");
    expect(await store.getMany(["t:a", "t:missing"])).toEqual(["1", null]);
  });

  it("honours onlyIfAbsent (NX)", async () => {
    expect(await store.set("t:nx", "1", { onlyIfAbsent: true, ttlSeconds: 10 })).toBe(true);
    expect(await store.set("t:nx", "2", { onlyIfAbsent: true, ttlSeconds: 10 })).toBe(false);
    expect(await store.get("t:nx")).toBe("1");
  });

  it("expires keys", async () => {
    await store.set("t:ttl", "1", { ttlSeconds: 0.05 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.get("t:ttl")).toBeNull();
  });

  it("increments by fractions", async () => {
    await store.increment("t:float", 0.25, 60);
    expect(await store.increment("t:float", 0.5, 60)).toBe(0.75);
  });

  it("applies incrementWithinLimit atomically under concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.incrementWithinLimit("t:cap", 0.3, 1, 60)),
    );
    expect(results.filter((result) => result.accepted)).toHaveLength(3);
    expect(Number(await store.get("t:cap"))).toBeCloseTo(0.9, 10);
  });

  it("deletes keys", async () => {
    await store.set("t:del", "1");
    await store.delete("t:del");
    expect(await store.get("t:del")).toBeNull();
  });
});

describe("GuardedStore", () => {
  it("fails fast with StoreUnavailableError when Redis is down", async () => {
    const errors: string[] = [];
    const down = new GuardedStore(new RedisStore({ url: "redis://127.0.0.1:1" }), {
      timeoutMs: 1000,
      onError: (operation) => errors.push(operation),
    });
    const started = Date.now();
    const error = await down.get("k").catch((caught: unknown) => caught);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(errors).toEqual(["get"]);
    await down.close();
  });

  it("times out a call while Redis does not answer (CLIENT PAUSE)", async () => {
    const errors: string[] = [];
    const guarded = new GuardedStore(store, {
      timeoutMs: 100,
      onError: (operation) => errors.push(operation),
    });
    const admin = createClient({ url: server.url });
    await admin.connect();
    await admin.sendCommand(["CLIENT", "PAUSE", "600", "ALL"]);
    const started = Date.now();
    const error = await guarded
      .incrementWithinLimit("t:paused", 1, 2)
      .catch((caught: unknown) => caught);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(errors).toEqual(["increment_within_limit"]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    admin.destroy();
  });

  it("fails at once during the cooldown after a timeout, then recovers", async () => {
    const errors: string[] = [];
    const guarded = new GuardedStore(store, {
      timeoutMs: 100,
      cooldownMs: 400,
      onError: (operation) => errors.push(operation),
    });
    const admin = createClient({ url: server.url });
    await admin.connect();
    await admin.sendCommand(["CLIENT", "PAUSE", "300", "ALL"]);
    await guarded.get("t:cool").catch(() => undefined);
    const started = Date.now();
    const error = await guarded.get("t:cool").catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(50);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(errors).toEqual(["get", "get"]);
    await new Promise((resolve) => setTimeout(resolve, 450));
    await expect(guarded.get("t:cool")).resolves.toBeNull();
    admin.destroy();
  });
});
