import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "../openai-types.ts";
import { chatRequestOfResponses } from "./responses-request.ts";
import { responsesFormat, responseOfCompletion } from "./responses-format.ts";

const completion: ChatCompletion = {
  id: "chatcmpl-abc",
  object: "chat.completion",
  created: 1,
  model: "gpt-x",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "Hi",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

describe("chatRequestOfResponses", () => {
  it("turns instructions, input items, tools and text.format into a chat request", () => {
    const chat = chatRequestOfResponses({
      model: "tier:default",
      instructions: "Be brief.",
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather?" }] },
        { type: "function_call", call_id: "c1", name: "weather", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "sunny" },
      ],
      tools: [{ type: "function", name: "weather", parameters: { type: "object" } }],
      text: { format: { type: "json_schema", name: "w", schema: { type: "object" } } },
      max_output_tokens: 50,
    });
    expect(chat).toMatchObject({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        { role: "assistant", tool_calls: [{ id: "c1", function: { name: "weather" } }] },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "weather" } }],
      response_format: { type: "json_schema", json_schema: { name: "w" } },
      max_completion_tokens: 50,
    });
  });

  it("refuses previous_response_id, naming it", () => {
    expect(() =>
      chatRequestOfResponses({ model: "m", input: "hi", previous_response_id: "resp_1" }),
    ).toThrow(/previous_response_id/);
  });
});

describe("responseOfCompletion", () => {
  it("gives a message item, a function_call item and the usage", () => {
    expect(responseOfCompletion(completion)).toMatchObject({
      object: "response",
      status: "completed",
      output: [
        { type: "message", content: [{ type: "output_text", text: "Hi" }] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
      ],
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    });
  });
});

describe("the Responses stream encoder", () => {
  it("ends with response.completed", () => {
    const encoder = responsesFormat.encoder(false);
    const decoder = new TextDecoder();
    const text = [
      encoder.chunk({
        id: "chatcmpl-abc",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-x",
        choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }],
      }),
      encoder.done(completion),
    ]
      .map((bytes) => decoder.decode(bytes))
      .join("");
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect([types[0], types.at(-1), types.includes("response.output_text.delta")]).toEqual([
      "response.created",
      "response.completed",
      true,
    ]);
  });
});
