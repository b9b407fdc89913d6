// The guard's bound and cool-down under fake timers: each behaviour is shown by moving the clock,
// never by racing a real store against the machine's speed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  GuardedStore,
  isStoreUnavailableError,
  type StoreUnavailableError,
} from "./guarded-store.ts";
import { MemoryStore } from "./memory-store.ts";

/** A memory store whose `get` hangs, answers or fails as the test says. */
class ScriptedStore extends MemoryStore {
  getCalls = 0;
  mode: "answer" | "hang" | "fail" = "answer";
  private release: ((value: string | null) => void) | undefined;

  override get(key: string): Promise<string | null> {
    this.getCalls += 1;
    if (this.mode === "fail") return Promise.reject(new Error("connection reset"));
    if (this.mode === "hang") {
      return new Promise((resolve) => {
        this.release = resolve;
      });
    }
    return super.get(key);
  }

  /** Answers the hanging call, late. */
  answerLate(value: string | null): void {
    this.release?.(value);
  }
}

let inner: ScriptedStore;
let errors: StoreUnavailableError[];
let guarded: GuardedStore;

beforeEach(() => {
  vi.useFakeTimers();
  inner = new ScriptedStore();
  errors = [];
  guarded = new GuardedStore(inner, {
    timeoutMs: 100,
    cooldownMs: 1000,
    onError: (_operation, error) => errors.push(error),
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Settles `promise` into a value or the error it rejected with, without an unhandled rejection. */
function outcome<Value>(promise: Promise<Value>): Promise<Value | unknown> {
  return promise.catch((error: unknown) => error);
}

/** Starts a `get` on a hanging store and lets the bound pass. */
async function timedOutGet(): Promise<unknown> {
  inner.mode = "hang";
  const pending = outcome(guarded.get("k"));
  await vi.advanceTimersByTimeAsync(100);
  return pending;
}

describe("GuardedStore", () => {
  it("passes the inner store's answer through", async () => {
    await inner.set("k", "v");

    await expect(guarded.get("k")).resolves.toBe("v");
  });

  it("keeps waiting for a call until its bound", async () => {
    inner.mode = "hang";
    let settled = false;
    void outcome(guarded.get("k")).then(() => (settled = true));

    await vi.advanceTimersByTimeAsync(99);

    expect(settled).toBe(false);
  });

  it("rejects a call still pending at its bound with a timeout", async () => {
    const error = await timedOutGet();

    expect(isStoreUnavailableError(error) && error.reason).toBe("timeout after 100ms");
  });

  it("reports a timeout once through onError", async () => {
    await timedOutGet();

    expect(errors.map((error) => error.operation)).toEqual(["get"]);
  });

  it("ignores an answer that arrives after the timeout", async () => {
    await timedOutGet();

    inner.answerLate("late");
    await vi.advanceTimersByTimeAsync(0);

    expect(errors).toHaveLength(1);
  });

  it("fails the next call at once during the cool-down, without calling the store", async () => {
    await timedOutGet();
    inner.mode = "answer";

    const error = await outcome(guarded.get("k"));

    expect({
      reason: isStoreUnavailableError(error) && error.reason,
      getCalls: inner.getCalls,
    }).toEqual({ reason: "skipped: the store timed out recently", getCalls: 1 });
  });

  it("calls the store again once the cool-down has passed", async () => {
    await timedOutGet();
    inner.mode = "answer";
    await inner.set("k", "back");

    await vi.advanceTimersByTimeAsync(1000);

    await expect(guarded.get("k")).resolves.toBe("back");
  });

  it("wraps the store's own failure with its message, without a cool-down", async () => {
    inner.mode = "fail";
    const error = await outcome(guarded.get("k"));
    inner.mode = "answer";

    expect({
      reason: isStoreUnavailableError(error) && error.reason,
      next: await guarded.get("missing"),
    }).toEqual({ reason: "connection reset", next: null });
  });
});
