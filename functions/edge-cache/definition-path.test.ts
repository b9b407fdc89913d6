import { describe, expect, it } from "vitest";
import { parseDefinitionPath } from "./definition-path";

describe("parseDefinitionPath", () => {
  it("names the definition under /definitions/", () => {
    expect(parseDefinitionPath("/definitions/emotions")).toEqual({
      kind: "definition",
      name: "emotions",
    });
  });

  it("finds no route outside /definitions/", () => {
    expect(parseDefinitionPath("/admin")).toEqual({ kind: "no-route" });
  });

  it("finds no route for a name with a slash", () => {
    expect(parseDefinitionPath("/definitions/a%2Fb")).toEqual({ kind: "no-route" });
  });

  it("finds no route for broken percent-encoding", () => {
    expect(parseDefinitionPath("/definitions/%E0%A4%A")).toEqual({ kind: "no-route" });
  });

  it("accepts a name of exactly 512 bytes", () => {
    expect(parseDefinitionPath(`/definitions/${"a".repeat(512)}`).kind).toBe("definition");
  });

  it("refuses a name over 512 bytes, reporting its size", () => {
    expect(parseDefinitionPath(`/definitions/${"a".repeat(513)}`)).toEqual({
      kind: "too-long",
      bytes: 513,
    });
  });

  it("measures the decoded name in UTF-8 bytes", () => {
    expect(parseDefinitionPath(`/definitions/${encodeURIComponent("é".repeat(257))}`)).toEqual({
      kind: "too-long",
      bytes: 514,
    });
  });
});
