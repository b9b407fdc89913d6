import { describe, expect, it } from "vitest";
import { decodeStoredAnswer, encodeStoredAnswer } from "./cached-answer.ts";

describe("stored answers", () => {
  it("round-trip provider, model and the body text", () => {
    const answer = { provider: "openai", model: "gpt-4o", body: '{"id":"x","text":"a\\nb"}' };
    expect(decodeStoredAnswer(encodeStoredAnswer(answer))).toEqual(answer);
  });

  it("reject text in another format", () => {
    expect(decodeStoredAnswer('{"provider":"openai"}')).toBeUndefined();
    expect(decodeStoredAnswer("openai\ngpt-4o\nnot json")).toBeUndefined();
  });
});
