import { describe, expect, it } from "vitest";
import { planMigrations, sqlLiteral } from "./migrations-plan";

const first = { version: "1", name: "first", sha256: "a".repeat(64) };
const second = { version: "2", name: "second", sha256: "b".repeat(64) };

describe("planMigrations", () => {
  it("lists unrecorded migrations as pending, in order", () => {
    expect(planMigrations([first, second], []).pending).toEqual([first, second]);
  });

  it("lists a recorded migration whose digest differs as changed", () => {
    const plan = planMigrations([first], [{ version: "1", name: "first", sha256: "c".repeat(64) }]);

    expect([plan.pending, plan.changed]).toEqual([[], [first]]);
  });

  it("lists a migration recorded without a digest (by the CLI) as unverified", () => {
    const plan = planMigrations([first], [{ version: "1", name: "first", sha256: null }]);

    expect([plan.pending, plan.unverified]).toEqual([[], [first]]);
  });

  it("leaves recorded versions that are not among the files alone", () => {
    const plan = planMigrations([first], [first, { version: "9", name: "app", sha256: null }]);

    expect(plan).toEqual({ pending: [], changed: [], unverified: [] });
  });
});

describe("sqlLiteral", () => {
  it("doubles single quotes", () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
  });
});
