import { describe, expect, it } from "vitest";
import { outputText, renderStepRequest, templateReferences } from "./step-template.ts";
import { chatCompletion } from "./test/loopback-http.ts";

const request = {
  model: "tier:default",
  messages: [
    { role: "system", content: "Be brief." },
    {
      role: "user",
      content: [
        { type: "text", text: "Compare {{steps.0.output}} with {{ steps.1.output }}" },
        { type: "image_url", image_url: { url: "https://example.com/a.png" } },
      ],
    },
  ],
};

describe("step templates", () => {
  it("finds the steps a request quotes, in content strings and text parts", () => {
    expect(templateReferences(request)).toEqual([0, 1]);
  });

  it("fills each template with the quoted step's message content", () => {
    const rendered = renderStepRequest(
      request,
      new Map([
        [0, chatCompletion("apples")],
        [1, chatCompletion("pears")],
      ]),
    );

    expect(rendered.messages[1]?.content).toEqual([
      { type: "text", text: "Compare apples with pears" },
      { type: "image_url", image_url: { url: "https://example.com/a.png" } },
    ]);
  });

  it("refuses to fill a template whose step has no output", () => {
    expect(() => renderStepRequest(request, new Map([[0, chatCompletion("apples")]]))).toThrow(
      "step 1 has no output to quote",
    );
  });

  it("quotes the JSON of an output that is not a chat completion", () => {
    expect(outputText({ data: [1] })).toBe('{"data":[1]}');
  });
});
