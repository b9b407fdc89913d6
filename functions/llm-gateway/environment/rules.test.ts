import * as z from "zod";
import { describe, expect, it } from "vitest";
import {
  decodeScalar,
  describeNumberRule,
  numberFits,
  serializeValue,
  variableSchema,
  type NumberRule,
  type VariableDefinition,
} from "./rules.ts";

const retries: NumberRule = { kind: "number", integer: true, minimum: 0, maximum: 10 };
const dollars: NumberRule = { kind: "number", integer: false, minimum: 0, exclusiveMinimum: true };

function variable<Rule extends VariableDefinition["rule"]>(rule: Rule): VariableDefinition<Rule> {
  return { name: "EXAMPLE", doc: "An example.", rule, defaultSource: "none", secret: false };
}

describe("numberFits", () => {
  it("accepts the minimum and the maximum", () => {
    expect([numberFits(retries, 0), numberFits(retries, 10)]).toEqual([true, true]);
  });

  it("refuses a value below the minimum", () => {
    expect(numberFits(retries, -1)).toBe(false);
  });

  it("refuses a value above the maximum", () => {
    expect(numberFits(retries, 11)).toBe(false);
  });

  it("refuses a fraction where whole numbers are required", () => {
    expect(numberFits(retries, 1.5)).toBe(false);
  });

  it("refuses an exclusive minimum itself", () => {
    expect(numberFits(dollars, 0)).toBe(false);
  });

  it("refuses infinity and NaN", () => {
    expect([numberFits(dollars, Infinity), numberFits(dollars, Number.NaN)]).toEqual([
      false,
      false,
    ]);
  });
});

describe("describeNumberRule", () => {
  it("names the range of a bounded rule", () => {
    expect(describeNumberRule({ ...retries, unit: "retries" })).toBe(
      "a whole number of retries from 0 to 10",
    );
  });

  it("says positive for an exclusive minimum of zero", () => {
    expect(describeNumberRule(dollars)).toBe("a positive number");
  });

  it("says positive for whole numbers from one", () => {
    expect(describeNumberRule({ kind: "number", integer: true, minimum: 1, unit: "seconds" })).toBe(
      "a positive whole number of seconds",
    );
  });

  it("says zero or more for a minimum of zero", () => {
    expect(describeNumberRule({ kind: "number", integer: true, minimum: 0 })).toBe(
      "a whole number, zero or more",
    );
  });
});

describe("decodeScalar", () => {
  it("decodes a number within the limits", () => {
    expect(decodeScalar(retries, "3")).toEqual({ ok: true, value: 3 });
  });

  it("says what a number outside the limits should be", () => {
    expect(decodeScalar(retries, "12")).toEqual({
      ok: false,
      expected: "a whole number from 0 to 10",
    });
  });

  it("drops the trailing slashes of a URL", () => {
    expect(decodeScalar({ kind: "url" }, "https://example.com/v1//")).toEqual({
      ok: true,
      value: "https://example.com/v1",
    });
  });

  it("refuses a relative URL", () => {
    expect(decodeScalar({ kind: "url" }, "example.com").ok).toBe(false);
  });

  it("splits a list and drops blanks", () => {
    expect(decodeScalar({ kind: "list" }, " a , ,b")).toEqual({ ok: true, value: ["a", "b"] });
  });

  it("refuses a word outside a choice", () => {
    expect(decodeScalar({ kind: "choice", options: ["info", "warn"] }, "loud")).toEqual({
      ok: false,
      expected: "one of info, warn",
    });
  });
});

describe("variableSchema", () => {
  it("applies the same limits as numberFits", () => {
    const schema = variableSchema(z, variable(retries));
    const samples = [-1, 0, 1.5, 10, 11, Infinity];

    expect(samples.map((sample) => schema.safeParse(sample).success)).toEqual(
      samples.map((sample) => numberFits(retries, sample)),
    );
  });

  it("words its message as the gateway's parser does", () => {
    const result = variableSchema(z, variable(dollars)).safeParse(0);

    expect(result.error?.issues[0]?.message).toBe("must be a positive number");
  });

  it("refuses a relative URL", () => {
    expect(variableSchema(z, variable({ kind: "url" })).safeParse("example.com").success).toBe(
      false,
    );
  });

  it("refuses a word outside a choice", () => {
    const schema = variableSchema(z, variable({ kind: "choice", options: ["info", "warn"] }));

    expect(schema.safeParse("loud").success).toBe(false);
  });
});

describe("serializeValue", () => {
  it("writes numbers in decimal", () => {
    expect(serializeValue(variable(dollars), 2.5)).toBe("2.5");
  });

  it("joins lists with commas", () => {
    expect(serializeValue(variable({ kind: "list" }), ["a", "b"])).toBe("a,b");
  });
});
