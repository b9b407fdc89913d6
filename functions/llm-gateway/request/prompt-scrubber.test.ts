import { describe, expect, it } from "vitest";
import { createPromptScrubber, promptMarker, promptTexts } from "./prompt-scrubber.ts";

describe("createPromptScrubber", () => {
  it("replaces a quote of the prompt", () => {
    const scrub = createPromptScrubber(["tell me about my secret diary entry please"]);
    expect(scrub('invalid: "my secret diary entry" is too long')).toBe(
      `invalid: "${promptMarker}" is too long`,
    );
  });

  it("keeps text the prompt does not contain", () => {
    const scrub = createPromptScrubber(["tell me about my secret diary entry please"]);
    expect(scrub("HTTP 400: max_tokens is too large")).toBe("HTTP 400: max_tokens is too large");
  });

  it("leaves runs shorter than twelve characters, which any text may share", () => {
    const scrub = createPromptScrubber(["the request was"]);
    expect(scrub("the request")).toBe("the request");
  });
});

describe("promptTexts", () => {
  it("reads string contents and text parts", () => {
    expect(
      promptTexts([{ content: "one" }, { content: [{ type: "text", text: "two" }] }, {}]),
    ).toEqual(["one", "two"]);
  });
});
