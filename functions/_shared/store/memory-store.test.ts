import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "./memory-store.ts";

describe("MemoryStore", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("returns what was set and null for missing keys", async () => {
    const store = new MemoryStore();
    await store.set("a", "1");
    expect(await store.getMany(["a", "b"])).toEqual(["1", null]);
  });

  it("expires keys after their TTL", async () => {
    const store = new MemoryStore();
    await store.set("a", "1", { ttlSeconds: 2 });
    vi.advanceTimersByTime(1999);
    expect(await store.get("a")).toBe("1");
    vi.advanceTimersByTime(1);
    expect(await store.get("a")).toBeNull();
  });

  it("refuses an onlyIfAbsent write over an existing key", async () => {
    const store = new MemoryStore();
    expect(await store.set("a", "1", { onlyIfAbsent: true })).toBe(true);
    expect(await store.set("a", "2", { onlyIfAbsent: true })).toBe(false);
    expect(await store.get("a")).toBe("1");
  });

  it("increments by fractions and keeps the first expiry", async () => {
    const store = new MemoryStore();
    expect(await store.increment("k", 0.25, 10)).toBe(0.25);
    vi.advanceTimersByTime(9000);
    expect(await store.increment("k", 0.5, 10)).toBe(0.75);
    vi.advanceTimersByTime(1000);
    expect(await store.get("k")).toBeNull();
  });

  it("applies incrementWithinLimit only while the total stays within the limit", async () => {
    const store = new MemoryStore();
    expect(await store.incrementWithinLimit("b", 0.6, 1)).toEqual({ accepted: true, total: 0.6 });
    expect(await store.incrementWithinLimit("b", 0.6, 1)).toEqual({ accepted: false, total: 0.6 });
    expect(await store.incrementWithinLimit("b", 0.4, 1)).toEqual({ accepted: true, total: 1 });
  });

  it("deletes keys", async () => {
    const store = new MemoryStore();
    await store.set("a", "1");
    await store.delete("a", "missing");
    expect(await store.get("a")).toBeNull();
  });

  it("sweeps expired keys that are never read again", async () => {
    const store = new MemoryStore(10_000, "cache:");
    for (let index = 0; index < 10; index++) await store.increment(`window:${index}`, 1, 1);
    vi.advanceTimersByTime(2000);
    for (let index = 0; index < 1000; index++) await store.set("cache:x", String(index));
    expect(store.size).toBe(1);
  });

  it("evicts only keys with the evictable prefix", async () => {
    const store = new MemoryStore(2, "cache:");
    await store.set("budget", "1");
    await store.set("cache:a", "a");
    await store.set("cache:b", "b");
    await store.set("cache:c", "c");
    expect(await store.getMany(["budget", "cache:a", "cache:b", "cache:c"])).toEqual([
      "1",
      null,
      null,
      "c",
    ]);
  });

  it("evicts the oldest entry beyond its capacity", async () => {
    const store = new MemoryStore(2);
    await store.set("a", "1");
    await store.set("b", "2");
    await store.set("c", "3");
    expect(await store.getMany(["a", "b", "c"])).toEqual([null, "2", "3"]);
  });
});
