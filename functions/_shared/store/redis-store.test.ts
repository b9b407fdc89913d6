import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { startRedisServer, type RedisServer } from "../../../test/support/redis-server.ts";
import { timeouts } from "../../../test/support/timeouts.ts";
import { GuardedStore, isStoreUnavailableError } from "./guarded-store.ts";
import { RedisStore } from "./redis-store.ts";

let server: RedisServer;
let store: RedisStore;

async function ready(candidate: RedisStore): Promise<void> {
  const deadline = Date.now() + timeouts.hook;
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

// The guard's bound and cool-down are tested with fake timers in guarded-store.test.ts; here it
// meets a real Redis that is down or does not answer, with bounds no loaded machine can race.
describe("GuardedStore in front of a real Redis", () => {
  it("fails with the connection error, not a timeout, when Redis refuses connections", async () => {
    const errors: string[] = [];
    const down = new GuardedStore(new RedisStore({ url: "redis://127.0.0.1:1" }), {
      timeoutMs: timeouts.storeCall,
      onError: (operation) => errors.push(operation),
    });
    const error = await down.get("k").catch((caught: unknown) => caught);
    await down.close();

    expect({
      unavailable: isStoreUnavailableError(error),
      timedOut: isStoreUnavailableError(error) && error.reason.startsWith("timeout"),
      errors,
    }).toEqual({ unavailable: true, timedOut: false, errors: ["get"] });
  });

  it("times out a call while Redis does not answer (CLIENT PAUSE)", async () => {
    // A server of its own, paused far longer than the bound and then stopped: the shared one
    // stays available to the other tests.
    const paused = await startRedisServer();
    const pausedStore = new RedisStore({ url: paused.url });
    await ready(pausedStore);
    const errors: string[] = [];
    const guarded = new GuardedStore(pausedStore, {
      timeoutMs: 100,
      onError: (operation) => errors.push(operation),
    });
    const admin = createClient({ url: paused.url });
    await admin.connect();
    await admin.sendCommand(["CLIENT", "PAUSE", String(timeouts.test), "ALL"]);
    const error = await guarded
      .incrementWithinLimit("t:paused", 1, 2)
      .catch((caught: unknown) => caught);
    admin.destroy();
    await pausedStore.close().catch(() => undefined);
    await paused.stop();

    expect({
      reason: isStoreUnavailableError(error) && error.reason,
      errors,
    }).toEqual({ reason: "timeout after 100ms", errors: ["increment_within_limit"] });
  });
});
