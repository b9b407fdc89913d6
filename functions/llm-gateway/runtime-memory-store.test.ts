// GATEWAY_MEMORY_STORE_MAX_BYTES reaches the in-memory store the runtime builds when no
// Redis/Upstash is configured.
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../_shared/store/memory-store.ts";
import { loadGatewayConfig } from "./config.ts";
import { createRuntime } from "./runtime.ts";

const oneMebibyte = 1_048_576;

async function memoryStoreWith(environment: Record<string, string>): Promise<MemoryStore> {
  const runtime = await createRuntime(await loadGatewayConfig(environment));
  if (!(runtime.store instanceof MemoryStore)) throw new Error("expected the in-memory store");
  return runtime.store;
}

async function fill(store: MemoryStore, bytes: number): Promise<void> {
  const answer = "x".repeat(16 * 1024);
  for (let written = 0; written < bytes; written += answer.length) {
    await store.set(`llm:cache:response:${written}`, answer, { ttlSeconds: 60 });
  }
}

describe("the runtime's in-memory store", () => {
  it("holds no more than GATEWAY_MEMORY_STORE_MAX_BYTES of cached answers", async () => {
    const store = await memoryStoreWith({ GATEWAY_MEMORY_STORE_MAX_BYTES: String(oneMebibyte) });
    await fill(store, 4 * oneMebibyte);
    expect(store.bytes).toBeLessThanOrEqual(oneMebibyte);
  });

  it("keeps 64 MiB by default", async () => {
    const store = await memoryStoreWith({});
    await fill(store, 4 * oneMebibyte);
    expect(store.bytes).toBeGreaterThan(4 * oneMebibyte - 64 * 1024);
  });
});
