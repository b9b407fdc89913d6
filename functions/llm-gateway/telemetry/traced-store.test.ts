import { beforeEach, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import type { LimitedIncrement, SetOptions, Store } from "../../_shared/store/store.ts";
import { RecordingTracer } from "../test/recording-tracer.ts";
import { withSpan } from "./spans.ts";
import { spanSafeReason, traceStore, TracedStore } from "./traced-store.ts";
import { noopTracer } from "./tracing.ts";

/** A memory store that reports itself as Redis, and fails every `get` with `failure` when set. */
class RemoteLikeStore implements Store {
  readonly kind = "redis" as const;
  failure: Error | undefined;
  private readonly memory = new MemoryStore();

  get(key: string): Promise<string | null> {
    return this.failure === undefined ? this.memory.get(key) : Promise.reject(this.failure);
  }
  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.memory.getMany(keys);
  }
  set(key: string, value: string, options?: SetOptions): Promise<boolean> {
    return this.memory.set(key, value, options);
  }
  delete(...keys: string[]): Promise<void> {
    return this.memory.delete(...keys);
  }
  increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    return this.memory.increment(key, amount, ttlSeconds);
  }
  incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement> {
    return this.memory.incrementWithinLimit(key, amount, limit, ttlSeconds);
  }
  ping(): Promise<void> {
    return this.memory.ping();
  }
  close(): Promise<void> {
    return this.memory.close();
  }
}

let tracer: RecordingTracer;
let remote: RemoteLikeStore;
let store: TracedStore;

beforeEach(async () => {
  tracer = await RecordingTracer.create();
  remote = new RemoteLikeStore();
  store = new TracedStore(remote, tracer);
});

/** Runs `work` with a fresh request span active; returns that span's id. */
async function inRequest(work: () => Promise<unknown>, sampled = true): Promise<string> {
  const request = tracer.startSpan("POST /v1/chat/completions", "server");
  const parent = sampled ? request : { ...request, sampled: false };
  await tracer.withActiveSpan(parent, work).catch(() => undefined);
  return request.spanId;
}

describe("TracedStore", () => {
  it("records a call as a client span under the active span", async () => {
    const requestSpanId = await inRequest(() => store.get("llm:cache:abc"));
    expect(tracer.named("Store:get").map((span) => [span.kind, span.parentSpanId])).toEqual([
      ["client", requestSpanId],
    ]);
  });

  it("names the Redis backend and the operation with the database conventions", async () => {
    await inRequest(() => store.incrementWithinLimit("llm:budget:day", 0.5, 5));
    expect(tracer.named("Store:increment_within_limit")[0]?.attributes).toEqual({
      "llm_gateway.store.kind": "redis",
      "db.system": "redis",
      "db.system.name": "redis",
      "db.operation.name": "increment_within_limit",
    });
  });

  it("gives the memory store no database system", async () => {
    const memory = new TracedStore(new MemoryStore(), tracer);
    await inRequest(() => memory.set("llm:cache:abc", "answer"));
    expect(tracer.named("Store:set")[0]?.attributes).toEqual({
      "llm_gateway.store.kind": "memory",
      "db.operation.name": "set",
    });
  });

  it("never records a key or a value", async () => {
    await inRequest(() => store.set("user@example.com", "a private answer"));
    const recorded = JSON.stringify(tracer.spans);
    expect([recorded.includes("user@example.com"), recorded.includes("private")]).toEqual([
      false,
      false,
    ]);
  });

  it("nests a call under the stage that makes it", async () => {
    let stageSpanId: string | undefined;
    await inRequest(() =>
      withSpan(tracer, "Cache:Exact", tracer.activeSpan(), (span) => {
        stageSpanId = span.spanId;
        return store.get("llm:cache:abc");
      }),
    );
    expect(tracer.named("Store:get")[0]?.parentSpanId).toBe(stageSpanId);
  });

  it("records nothing outside a request", async () => {
    await store.get("llm:cache:abc");
    expect(tracer.spans).toEqual([]);
  });

  it("records nothing under an unsampled request", async () => {
    await inRequest(() => store.get("llm:cache:abc"), false);
    expect(tracer.named("Store:get")).toEqual([]);
  });

  it("ends the span failed with the timeout of a guarded call", async () => {
    remote.failure = new StoreUnavailableError("get", "timeout after 250ms");
    await inRequest(() => store.get("llm:cache:abc"));
    expect(tracer.named("Store:get")[0]?.errorMessage).toBe(
      "store get failed: timeout after 250ms",
    );
  });

  it("leaves the backend's own message out of the span", async () => {
    remote.failure = new StoreUnavailableError("get", "WRONGTYPE at key user@example.com");
    await inRequest(() => store.get("llm:cache:abc"));
    expect(tracer.named("Store:get")[0]?.errorMessage).toBe("store get failed");
  });

  it("passes the failure on to the caller", async () => {
    remote.failure = new StoreUnavailableError("get", "timeout after 250ms");
    const request = tracer.startSpan("POST /v1/chat/completions", "server");
    await expect(
      tracer.withActiveSpan(request, () => store.get("llm:cache:abc")),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("offers the hash operations only when the inner store has them", () => {
    expect(new TracedStore(new MemoryStore(), tracer).incrementFields).toBeUndefined();
  });
});

describe("traceStore", () => {
  it("returns the store itself when tracing is off", () => {
    const memory: Store = new MemoryStore();
    expect(traceStore(memory, noopTracer)).toBe(memory);
  });
});

describe("spanSafeReason", () => {
  it("keeps a timeout", () => {
    expect(spanSafeReason("timeout after 1000ms")).toBe("timeout after 1000ms");
  });

  it("keeps only the SQLSTATE of a Postgres error", () => {
    expect(spanSafeReason('22P02: invalid input syntax for type uuid: "alice"')).toBe(
      "SQLSTATE 22P02",
    );
  });

  it("drops any other message", () => {
    expect(spanSafeReason("connect ECONNREFUSED 10.0.0.1:6379")).toBeUndefined();
  });
});
