import { describe, expect, it } from "vitest";
import { defaultMaxTokens, defaultModel, parsePrompt } from "./front-matter";

describe("parsePrompt", () => {
  it("uses the defaults without front matter", () => {
    expect(parsePrompt("p.md", "Hello").settings).toEqual({
      model: defaultModel,
      maxTokens: defaultMaxTokens,
    });
  });

  it("keeps the whole text as the body without front matter", () => {
    expect(parsePrompt("p.md", "Hello\n").body).toBe("Hello\n");
  });

  it("reads the model and max-tokens", () => {
    const text = "---\nmodel: claude-haiku-4-5\nmax-tokens: 3000\n---\nHello\n";
    expect(parsePrompt("p.md", text).settings).toEqual({
      model: "claude-haiku-4-5",
      maxTokens: 3000,
    });
  });

  it("leaves the front matter out of the body", () => {
    expect(parsePrompt("p.md", "---\nmax-tokens: 10\n---\nHello\n").body).toBe("Hello\n");
  });

  it("refuses a max-tokens that is not a positive integer, naming the file and key", () => {
    expect(() => parsePrompt("prompts/p.md", "---\nmax-tokens: lots\n---\nHello\n")).toThrow(
      'prompts/p.md: front matter max-tokens must be a positive integer, got "lots"',
    );
  });

  it("refuses an unknown key, naming it", () => {
    expect(() => parsePrompt("prompts/p.md", "---\nmax_tokens: 10\n---\nHello\n")).toThrow(
      "prompts/p.md: front matter key max_tokens is not known (known: model, max-tokens)",
    );
  });
});
