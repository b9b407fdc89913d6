import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../openai-types.ts";
import { AnthropicStreamTranslator } from "./anthropic-stream-translate.ts";
import {
  fromAnthropicResponse,
  translateToAnthropic,
  unsupportedOnAnthropic,
  type AnthropicResponse,
} from "./anthropic-translate.ts";

const schema = { type: "object", properties: { mood: { type: "string" } }, required: ["mood"] };

function request(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: "tier:default", messages: [{ role: "user", content: "How am I?" }], ...extra };
}

function message(content: AnthropicResponse["content"]): AnthropicResponse {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-x",
    content,
    stop_reason: "tool_use",
    usage: { input_tokens: 3, output_tokens: 4 },
  };
}

describe("response_format on Anthropic", () => {
  it("becomes a forced tool whose input schema is the requested schema", () => {
    const { body } = translateToAnthropic(
      request({ response_format: { type: "json_schema", json_schema: { name: "mood", schema } } }),
      "claude-x",
      100,
      false,
    );
    expect([body.tools, body.tool_choice]).toEqual([
      [expect.objectContaining({ name: "mood", input_schema: schema })],
      { type: "tool", name: "mood" },
    ]);
  });

  it("asks for any object for json_object", () => {
    const { body } = translateToAnthropic(
      request({ response_format: { type: "json_object" } }),
      "claude-x",
      100,
      false,
    );
    expect(body.tools?.[0]?.input_schema).toEqual({ type: "object" });
  });

  it("wraps a schema that is not an object in a value member", () => {
    const { body, structuredTool } = translateToAnthropic(
      request({
        response_format: { type: "json_schema", json_schema: { schema: { type: "array" } } },
      }),
      "claude-x",
      100,
      false,
    );
    expect([body.tools?.[0]?.input_schema.required, structuredTool?.wrapped]).toEqual([
      ["value"],
      true,
    ]);
  });

  it("answers the schema tool's input as the message content with finish_reason stop", () => {
    const completion = fromAnthropicResponse(
      message([{ type: "tool_use", id: "t", name: "mood", input: { mood: "calm" } }]),
      1,
      { name: "mood", wrapped: false },
    );
    expect([completion.choices[0]?.message.content, completion.choices[0]?.finish_reason]).toEqual([
      '{"mood":"calm"}',
      "stop",
    ]);
  });

  it("unwraps the value of a wrapped schema", () => {
    const completion = fromAnthropicResponse(
      message([{ type: "tool_use", id: "t", name: "json_answer", input: { value: [1, 2] } }]),
      1,
      { name: "json_answer", wrapped: true },
    );
    expect(completion.choices[0]?.message.content).toBe("[1,2]");
  });

  it("streams the schema tool's input as content deltas", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 1, {
      name: "mood",
      wrapped: false,
    });
    translator.step("message_start", { message: { id: "msg_1", usage: {} } });
    translator.step("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: "t", name: "mood" },
    });
    const deltas = ['{"mood"', ':"calm"}'].map((partial_json) =>
      translator.step("content_block_delta", {
        index: 0,
        delta: { type: "input_json_delta", partial_json },
      }),
    );
    const finish = translator.step("message_delta", { delta: { stop_reason: "tool_use" } });
    const text = deltas
      .map((step) => (step.kind === "chunk" ? (step.chunk.choices[0]?.delta.content ?? "") : ""))
      .join("");
    expect([text, finish.kind === "chunk" && finish.chunk.choices[0]?.finish_reason]).toEqual([
      '{"mood":"calm"}',
      "stop",
    ]);
  });
});

describe("parameters on Anthropic", () => {
  it("sends user as metadata.user_id", () => {
    const { body } = translateToAnthropic(request({ user: "u-1" }), "claude-x", 100, false);
    expect(body.metadata).toEqual({ user_id: "u-1" });
  });

  it("reports members it cannot honour, not their neutral values", () => {
    expect(
      unsupportedOnAnthropic(request({ seed: 1, logprobs: false, presence_penalty: 0 })),
    ).toEqual(["seed"]);
  });
});
