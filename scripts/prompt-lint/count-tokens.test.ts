import { describe, expect, it } from "vitest";
import { countPromptTokens, estimateMargin, modelFamily } from "./count-tokens";

// "hello world" is two tokens in both cl100k_base and o200k_base.
describe("countPromptTokens", () => {
  it("counts a GPT-4o prompt exactly with o200k_base", () => {
    expect(countPromptTokens("gpt-4o", "hello world")).toEqual({
      tokens: 2,
      tokenizer: "o200k_base",
      exact: true,
    });
  });

  it("counts a GPT-4 prompt with cl100k_base", () => {
    expect(countPromptTokens("gpt-4", "hello world").tokenizer).toBe("cl100k_base");
  });

  it("tells the encodings apart on text they split differently", () => {
    const text = "Schadenfreude über Ärger: ein Beispiel für Komposita.";
    expect(countPromptTokens("gpt-4", text).tokens).not.toBe(
      countPromptTokens("gpt-4o", text).tokens,
    );
  });

  it("estimates a Claude prompt as o200k_base with the margin, marked inexact", () => {
    const text = "hello world ".repeat(50);
    const o200k = countPromptTokens("gpt-4o", text).tokens;
    expect(countPromptTokens("claude-sonnet-4-5", text)).toMatchObject({
      tokens: Math.ceil(o200k * estimateMargin),
      exact: false,
    });
  });
});

describe("modelFamily", () => {
  it.each([
    ["claude-haiku-4-5", "anthropic"],
    ["gemini-2.5-flash", "google"],
    ["gpt-4.1", "openai"],
    ["some-local-model", "openai"],
  ])("puts %s in the %s family", (model, family) => {
    expect(modelFamily(model)).toBe(family);
  });
});
