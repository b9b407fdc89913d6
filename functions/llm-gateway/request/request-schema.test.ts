import { describe, expect, it } from "vitest";
import { isInvalidRequestError, type InvalidRequestError } from "../errors.ts";
import { parseChatRequest, parseEmbeddingRequest } from "./request-schema.ts";

const valid = { model: "tier:default", messages: [{ role: "user", content: "Hi" }] };

function invalid(call: () => unknown): InvalidRequestError {
  try {
    call();
  } catch (error) {
    if (isInvalidRequestError(error)) return error;
    throw error;
  }
  throw new Error("expected an InvalidRequestError");
}

describe("parseChatRequest", () => {
  it("accepts a minimal request and keeps unknown members for OpenAI", () => {
    expect(parseChatRequest({ ...valid, logit_bias: { "1": 2 } })).toMatchObject({
      logit_bias: { "1": 2 },
    });
  });

  it("accepts tool calls and tool results", () => {
    expect(() =>
      parseChatRequest({
        model: "m",
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c", content: "ok" },
        ],
      }),
    ).not.toThrow();
  });

  it.each([
    ["a non-object body", [1, 2], ""],
    ["a missing model", { messages: valid.messages }, "model"],
    ["an empty model", { ...valid, model: "" }, "model"],
    ["missing messages", { model: "m" }, "messages"],
    ["empty messages", { ...valid, messages: [] }, "messages"],
    [
      "an unknown role",
      { ...valid, messages: [{ role: "robot", content: "x" }] },
      "messages.0.role",
    ],
    [
      "a numeric content",
      { ...valid, messages: [{ role: "user", content: 5 }] },
      "messages.0.content",
    ],
    [
      "a tool message without tool_call_id",
      { ...valid, messages: [{ role: "tool", content: "x" }] },
      "messages.0.tool_call_id",
    ],
    ["temperature as a string", { ...valid, temperature: "0" }, "temperature"],
    ["temperature above 2", { ...valid, temperature: 3 }, "temperature"],
    ["a fractional max_tokens", { ...valid, max_tokens: 1.5 }, "max_tokens"],
    ["stream as a string", { ...valid, stream: "yes" }, "stream"],
    [
      "stream_options without stream",
      { ...valid, stream_options: { include_usage: true } },
      "stream_options",
    ],
    [
      "stream_options with an unknown member",
      { ...valid, stream: true, stream_options: { include: true } },
      "stream_options",
    ],
    ["more than 4 stop sequences", { ...valid, stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["n of 0", { ...valid, n: 0 }, "n"],
    ["a bad tool_choice", { ...valid, tool_choice: "sometimes" }, "tool_choice"],
  ])("rejects %s, naming the field path", (_case, body, path) => {
    const error = invalid(() => parseChatRequest(body));
    expect(error.status).toBe(400);
    if (path) {
      expect(error.param).toBe(path);
      expect(error.message).toContain(`"${path}"`);
    }
  });
});

describe("parseEmbeddingRequest", () => {
  it("accepts strings, string arrays and token arrays", () => {
    expect(() => parseEmbeddingRequest({ model: "m", input: "a" })).not.toThrow();
    expect(() => parseEmbeddingRequest({ model: "m", input: ["a", "b"] })).not.toThrow();
    expect(() => parseEmbeddingRequest({ model: "m", input: [[1, 2], [3]] })).not.toThrow();
  });

  it("rejects an empty input", () => {
    expect(invalid(() => parseEmbeddingRequest({ model: "m", input: "" })).param).toBe("input");
  });

  it("rejects an unknown encoding_format", () => {
    expect(
      invalid(() => parseEmbeddingRequest({ model: "m", input: "a", encoding_format: "int8" }))
        .param,
    ).toBe("encoding_format");
  });
});
