import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeOnce, inSlot, planConcurrency } from "./plan-cache";

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "plan-cache-test-"));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("computeOnce", () => {
  it("computes a key once for concurrent callers", async () => {
    let computed = 0;
    const compute = async () => {
      computed += 1;
      await turn();
      return { exitCode: 0 };
    };

    await Promise.all(Array.from({ length: 4 }, () => computeOnce(directory, "key", compute)));

    expect(computed).toBe(1);
  });

  it("gives every caller the stored result", async () => {
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, index) =>
        computeOnce(directory, "key", async () => ({ caller: index })),
      ),
    );

    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
  });

  it("computes different keys separately", async () => {
    const first = await computeOnce(directory, "first", async () => "first result");
    const second = await computeOnce(directory, "second", async () => "second result");

    expect([first, second]).toEqual(["first result", "second result"]);
  });
});

describe("inSlot", () => {
  it("runs at most the given number of tasks at once", async () => {
    let running = 0;
    let mostRunning = 0;
    const task = async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await turn();
      await turn();
      running -= 1;
    };

    await Promise.all(Array.from({ length: 6 }, () => inSlot(directory, 2, task)));

    expect(mostRunning).toBeLessThanOrEqual(2);
  });
});

describe("planConcurrency", () => {
  it("reads TEST_PLAN_CONCURRENCY", () => {
    expect(planConcurrency({ TEST_PLAN_CONCURRENCY: "3" })).toBe(3);
  });
});
