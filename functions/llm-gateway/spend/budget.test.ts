import { describe, expect, it } from "vitest";
import { GuardedStore } from "../../_shared/store/guarded-store.ts";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { Budget, budgetKey } from "./budget.ts";

describe("Budget", () => {
  it("keys the counter by UTC day", () => {
    expect(budgetKey(new Date("2026-03-04T23:59:59Z"))).toBe("llm:budget:2026-03-04");
  });

  it("never lets concurrent reservations pass the cap", async () => {
    const budget = new Budget(new MemoryStore(), { capUsd: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, () => budget.reserve(0.3, false)));
    expect(results.filter((reservation) => reservation !== undefined)).toHaveLength(3);
    expect(await budget.spentToday()).toBeCloseTo(0.9, 10);
  });

  it("settles a reservation to the actual cost", async () => {
    const budget = new Budget(new MemoryStore(), { capUsd: 1 });
    const reservation = await budget.reserve(0.5, false);
    await budget.settle(reservation!, 0.1);
    expect(await budget.spentToday()).toBeCloseTo(0.1, 10);
  });

  it("tracks spend without a cap", async () => {
    const budget = new Budget(new MemoryStore(), { capUsd: undefined });
    await budget.settle((await budget.reserve(0, false))!, 0.25);
    expect(await budget.spentToday()).toBe(0.25);
  });

  it("serves but adds nothing more when the store fails during a reservation", async () => {
    const inner = new MemoryStore();
    let failing = true;
    const flaky: Store = Object.assign(Object.create(inner) as Store, {
      incrementWithinLimit: (...args: Parameters<Store["incrementWithinLimit"]>) =>
        failing
          ? Promise.reject(new Error("connection reset"))
          : inner.incrementWithinLimit(...args),
    });
    const budget = new Budget(
      new GuardedStore(flaky, { timeoutMs: 100, onError: () => undefined }),
      { capUsd: 1 },
    );
    const reservation = await budget.reserve(0.5, false);
    expect(reservation?.known).toBe(false);
    failing = false;
    await budget.settle(reservation!, 0.4);
    expect(await inner.get(budgetKey())).toBeNull();
  });
});
