import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import { SharedBreaker, type BreakerState } from "./breaker.ts";
import { isBreakerOpenError } from "../errors.ts";

const options = { threshold: 3, halfOpenAfterMs: 10_000, probeTimeoutMs: 5000 };

async function fail(breaker: SharedBreaker, times: number): Promise<void> {
  for (let index = 0; index < times; index++)
    await breaker.recordFailure(await breaker.acquire("anthropic"));
}

async function refused(breaker: SharedBreaker): Promise<boolean> {
  return breaker.acquire("anthropic").then(
    () => false,
    (error: unknown) => isBreakerOpenError(error),
  );
}

describe("SharedBreaker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stays closed below the threshold", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 2);
    expect(await breaker.state("anthropic")).toBe("closed");
    expect(await refused(breaker)).toBe(false);
  });

  it("opens after threshold consecutive failures and refuses calls", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    expect(await breaker.state("anthropic")).toBe("open");
    expect(await refused(breaker)).toBe(true);
  });

  it("resets the count on a success, so failures must be consecutive", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 2);
    await breaker.recordSuccess(await breaker.acquire("anthropic"));
    await fail(breaker, 2);
    expect(await breaker.state("anthropic")).toBe("closed");
  });

  it("keeps providers apart", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    expect(await breaker.state("openai")).toBe("closed");
  });

  it("lets exactly one probe through after the half-open delay", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    vi.advanceTimersByTime(10_000);
    expect(await breaker.state("anthropic")).toBe("half-open");
    const probe = await breaker.acquire("anthropic");
    expect(probe.probe).toBe(true);
    expect(await refused(breaker)).toBe(true);
  });

  it("closes when the probe succeeds", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    vi.advanceTimersByTime(10_000);
    await breaker.recordSuccess(await breaker.acquire("anthropic"));
    expect(await breaker.state("anthropic")).toBe("closed");
    expect(await refused(breaker)).toBe(false);
  });

  it("re-opens for a full delay when the probe fails", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    vi.advanceTimersByTime(10_000);
    await breaker.recordFailure(await breaker.acquire("anthropic"));
    expect(await breaker.state("anthropic")).toBe("open");
    vi.advanceTimersByTime(9_999);
    expect(await refused(breaker)).toBe(true);
  });

  it("frees the probe slot when a probe never reports back", async () => {
    const breaker = new SharedBreaker(new MemoryStore(), options);
    await fail(breaker, 3);
    vi.advanceTimersByTime(10_000);
    await breaker.acquire("anthropic");
    vi.advanceTimersByTime(5_000);
    expect((await breaker.acquire("anthropic")).probe).toBe(true);
  });

  it("shares state between breakers on the same store (two gateway processes)", async () => {
    const store = new MemoryStore();
    const first = new SharedBreaker(store, options);
    const second = new SharedBreaker(store, options);
    await fail(first, 3);
    expect(await refused(second)).toBe(true);
  });

  it("reports states to the onState listener", async () => {
    const seen: BreakerState[] = [];
    const breaker = new SharedBreaker(new MemoryStore(), {
      ...options,
      onState: (_provider, state) => seen.push(state),
    });
    await fail(breaker, 3);
    expect(seen).toContain("open");
  });
});
