import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  entryBytes,
  MemoryStore,
  memoryStoreBytesFromLength,
  memoryStoreEntryOverheadBytes,
} from "./memory-store.ts";

/** A value of `size` UTF-16 code units. */
function valueOf(size: number, fill = "x"): string {
  return fill.repeat(size);
}

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

  it("evicts the least recently used cache entry, not the oldest written", async () => {
    const store = new MemoryStore({ maxEntries: 2 });
    await store.set("a", "1");
    await store.set("b", "2");
    await store.get("a");
    await store.set("c", "3");
    expect(await store.getMany(["a", "b", "c"])).toEqual(["1", null, "3"]);
  });

  it("keeps a key that is hit every 50 writes through 10,000 other writes", async () => {
    const value = valueOf(1000);
    // Room for about 100 entries, so every other key is evicted many times over.
    const store = new MemoryStore({ maxBytes: 100 * entryBytes("cache:00000", value) });
    await store.set("cache:hot", value);
    let hits = 0;
    for (let index = 0; index < 10_000; index++) {
      await store.set(`cache:${String(index).padStart(5, "0")}`, value);
      if (index % 50 === 49 && (await store.get("cache:hot")) !== null) hits += 1;
    }
    expect(store.size).toBeLessThanOrEqual(100);
    expect(hits).toBe(200);
  });

  it("drops a key that is no longer hit once newer writes fill the bound", async () => {
    const value = valueOf(1000);
    const store = new MemoryStore({ maxBytes: 100 * entryBytes("cache:00000", value) });
    await store.set("cache:cold", value);
    for (let index = 0; index < 100; index++) {
      await store.set(`cache:${String(index).padStart(5, "0")}`, value);
    }
    expect(await store.get("cache:cold")).toBeNull();
  });

  it("holds at most maxBytes after 2,000 writes of 50 KB values", async () => {
    const maxBytes = 2 * 1024 * 1024;
    const store = new MemoryStore({ maxBytes, evictablePrefix: "llm:cache:" });
    for (let index = 0; index < 2000; index++) {
      await store.set(`llm:cache:response:${index}`, valueOf(50 * 1024, String(index % 10)));
    }
    expect(store.bytes).toBeLessThanOrEqual(maxBytes);
  });

  it("keeps as many of the newest 50 KB values as the bound has room for", async () => {
    const maxBytes = 2 * 1024 * 1024;
    const store = new MemoryStore({ maxBytes, evictablePrefix: "llm:cache:" });
    const perEntry = entryBytes(
      "llm:cache:response:1999",
      new TextEncoder().encode(valueOf(50 * 1024)),
    );
    for (let index = 0; index < 2000; index++) {
      await store.set(`llm:cache:response:${index}`, valueOf(50 * 1024));
    }
    const room = Math.floor(maxBytes / perEntry);
    expect(store.size).toBe(room);
    expect(await store.get(`llm:cache:response:${2000 - room}`)).not.toBeNull();
    expect(await store.get(`llm:cache:response:${1999 - room}`)).toBeNull();
  });

  it("returns a large non-ASCII value exactly as it was written", async () => {
    const store = new MemoryStore();
    const value = valueOf(20_000, "añ日🦊");
    await store.set("a", value);
    expect(await store.get("a")).toBe(value);
  });

  it("counts a value held as bytes by its UTF-8 length", async () => {
    const store = new MemoryStore();
    await store.set("a", valueOf(memoryStoreBytesFromLength, "é"));
    expect(store.bytes).toBe(2 + memoryStoreBytesFromLength * 2 + memoryStoreEntryOverheadBytes);
  });

  it("counts a rewritten key once", async () => {
    const store = new MemoryStore();
    await store.set("a", valueOf(100));
    await store.set("a", valueOf(10));
    expect(store.bytes).toBe(entryBytes("a", valueOf(10)));
  });

  it("frees the bytes of deleted keys", async () => {
    const store = new MemoryStore();
    await store.set("a", valueOf(100));
    await store.delete("a");
    expect(store.bytes).toBe(0);
  });

  it("never evicts budget or breaker keys under cache pressure", async () => {
    const value = valueOf(50 * 1024);
    const store = new MemoryStore({
      maxBytes: 10 * entryBytes("llm:cache:response:0", value),
      evictablePrefix: "llm:cache:",
    });
    await store.incrementWithinLimit("llm:budget:2026-11-22", 0.5, 10);
    await store.set("llm:breaker:openai", '{"state":"open"}');
    for (let index = 0; index < 1000; index++) {
      await store.set(`llm:cache:response:${index}`, value);
    }
    expect(await store.getMany(["llm:budget:2026-11-22", "llm:breaker:openai"])).toEqual([
      "0.5",
      '{"state":"open"}',
    ]);
  });

  it("keeps pinned keys even when they alone exceed the byte bound", async () => {
    const store = new MemoryStore({ maxBytes: 100, evictablePrefix: "llm:cache:" });
    await store.set("llm:breaker:openai", valueOf(1000));
    await store.set("llm:cache:response:a", "answer");
    expect(await store.getMany(["llm:breaker:openai", "llm:cache:response:a"])).toEqual([
      valueOf(1000),
      null,
    ]);
  });

  it("frees the bytes of an expired key when it is read", async () => {
    const store = new MemoryStore();
    await store.set("a", "1", { ttlSeconds: 1 });
    vi.advanceTimersByTime(1000);
    expect(await store.get("a")).toBeNull();
    expect(store.bytes).toBe(0);
  });

  it("frees the bytes of expired keys that are never read again", async () => {
    const store = new MemoryStore({ evictablePrefix: "llm:cache:" });
    for (let index = 0; index < 10; index++) {
      await store.set(`llm:cache:response:${index}`, valueOf(1000), { ttlSeconds: 1 });
    }
    vi.advanceTimersByTime(2000);
    for (let index = 0; index < 1000; index++) await store.set("llm:cache:response:x", "1");
    expect(store.bytes).toBe(entryBytes("llm:cache:response:x", "1"));
  });
});
