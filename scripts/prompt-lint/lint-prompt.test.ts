import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeResult, lintPrompt } from "./lint-prompt";

const fixture = (name: string) => readFileSync(join(__dirname, "__fixtures__", name), "utf8");

describe("lintPrompt at the default limit of 2,000 tokens", () => {
  it("passes a prompt of 1,999 tokens", () => {
    expect(lintPrompt("under-limit.md", fixture("under-limit.md"))).toMatchObject({
      count: { tokens: 1999 },
      ok: true,
    });
  });

  it("fails a prompt of 2,001 tokens", () => {
    expect(lintPrompt("over-limit.md", fixture("over-limit.md"))).toMatchObject({
      count: { tokens: 2001 },
      ok: false,
    });
  });
});

describe("lintPrompt with max-tokens in the front matter", () => {
  it("passes a 2,500-token prompt whose limit is 3,000", () => {
    expect(lintPrompt("raised-limit.md", fixture("raised-limit.md"))).toMatchObject({
      count: { tokens: 2500 },
      maxTokens: 3000,
      ok: true,
    });
  });
});

describe("describeResult", () => {
  it("names the file, the count and the limit of a failing prompt", () => {
    expect(describeResult(lintPrompt("prompts/over.md", fixture("over-limit.md")))).toBe(
      "prompts/over.md: 2001 tokens (o200k_base, gpt-4o), limit 2000: over the limit",
    );
  });
});
