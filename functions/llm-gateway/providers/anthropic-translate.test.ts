import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../openai-types.ts";
import { AnthropicStreamTranslator } from "./anthropic-stream-translate.ts";
import {
  finishReasonOf,
  fromAnthropicResponse,
  toAnthropicRequest,
  type AnthropicResponse,
} from "./anthropic-translate.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");

function events(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message";
      const data = lines.find((line) => line.startsWith("data: "))?.slice(6) ?? "{}";
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

describe("toAnthropicRequest", () => {
  const base: ChatCompletionRequest = {
    model: "tier:default",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "developer", content: "Answer in French." },
      { role: "user", content: "Hi" },
    ],
  };

  it("moves system and developer messages to the top-level system text", () => {
    const body = toAnthropicRequest(base, "claude-x", 1024, false);
    expect(body.system).toBe("Be brief.\n\nAnswer in French.");
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  it("defaults max_tokens, which Anthropic requires", () => {
    expect(toAnthropicRequest(base, "claude-x", 1024, false).max_tokens).toBe(1024);
  });

  it("prefers max_completion_tokens over max_tokens", () => {
    const body = toAnthropicRequest(
      { ...base, max_tokens: 50, max_completion_tokens: 70 },
      "claude-x",
      1024,
      false,
    );
    expect(body.max_tokens).toBe(70);
  });

  it("maps stop to stop_sequences and keeps top_p", () => {
    const body = toAnthropicRequest({ ...base, stop: "END", top_p: 0.5 }, "claude-x", 1024, false);
    expect(body.stop_sequences).toEqual(["END"]);
    expect(body.top_p).toBe(0.5);
  });

  it("clamps temperature to Anthropic's 0-1 range", () => {
    expect(
      toAnthropicRequest({ ...base, temperature: 1.7 }, "claude-x", 1024, false).temperature,
    ).toBe(1);
  });

  it("turns assistant tool calls and tool results into tool_use and tool_result blocks", () => {
    const body = toAnthropicRequest(
      {
        model: "m",
        messages: [
          { role: "user", content: "Weather?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "Sunny" },
        ],
        tools: [
          { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
        ],
        tool_choice: "required",
      },
      "claude-x",
      1024,
      false,
    );
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } }],
    });
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "call_1", content: "Sunny" }],
    });
    expect(body.tools).toEqual([{ name: "get_weather", input_schema: { type: "object" } }]);
    expect(body.tool_choice).toEqual({ type: "any" });
  });

  it("converts data-URL images to base64 image blocks", () => {
    const body = toAnthropicRequest(
      {
        model: "m",
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }],
          },
        ],
      },
      "claude-x",
      1024,
      false,
    );
    expect(body.messages[0]?.content[0]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: "AAAA" },
    });
  });

  it("sets stream only for streamed requests", () => {
    expect(toAnthropicRequest(base, "claude-x", 1024, true).stream).toBe(true);
    expect(toAnthropicRequest(base, "claude-x", 1024, false).stream).toBeUndefined();
  });
});

describe("fromAnthropicResponse", () => {
  it("translates a text message with usage, counting cache reads as input", () => {
    const message = JSON.parse(fixture("anthropic-message.json")) as AnthropicResponse;
    const completion = fromAnthropicResponse(message, 1700000000);
    expect(completion).toEqual({
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      object: "chat.completion",
      created: 1700000000,
      model: "claude-sonnet-4-5-20250929",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help you today?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 16, completion_tokens: 10, total_tokens: 26 },
    });
  });

  it("translates tool_use blocks to tool_calls with JSON arguments", () => {
    const message = JSON.parse(fixture("anthropic-tool-use-message.json")) as AnthropicResponse;
    const choice = fromAnthropicResponse(message).choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "toolu_01A09q90qw90lq917835lq9",
        type: "function",
        function: {
          name: "get_weather",
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
      },
    ]);
  });

  it("maps stop reasons to finish reasons", () => {
    expect(finishReasonOf("max_tokens")).toBe("length");
    expect(finishReasonOf("stop_sequence")).toBe("stop");
    expect(finishReasonOf("refusal")).toBe("content_filter");
  });
});

describe("AnthropicStreamTranslator", () => {
  it("turns a text stream into role, content and finish chunks plus usage", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 1);
    const chunks = events(fixture("anthropic-stream.txt")).map(({ event, data }) =>
      translator.step(event, data),
    );
    const deltas = chunks.flatMap((step) => (step.kind === "chunk" ? [step.chunk.choices[0]] : []));
    expect(deltas.map((choice) => choice?.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hello" },
      { content: "!" },
      {},
    ]);
    expect(deltas[3]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toEqual({ kind: "end" });
    expect(translator.usageChunk().usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 15,
      total_tokens: 40,
    });
  });

  it("uses the message id and model from message_start on every chunk", () => {
    const translator = new AnthropicStreamTranslator("configured", 1);
    const steps = events(fixture("anthropic-stream.txt")).map(({ event, data }) =>
      translator.step(event, data),
    );
    const chunk = steps.find((step) => step.kind === "chunk");
    expect(chunk?.kind === "chunk" && chunk.chunk.id).toBe(
      "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
    );
    expect(chunk?.kind === "chunk" && chunk.chunk.model).toBe("claude-sonnet-4-5-20250929");
  });

  it("streams tool use as tool_call deltas with incremental arguments", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 1);
    const toolDeltas = events(fixture("anthropic-tool-use-stream.txt"))
      .map(({ event, data }) => translator.step(event, data))
      .flatMap((step) =>
        step.kind === "chunk" ? (step.chunk.choices[0]?.delta.tool_calls ?? []) : [],
      );
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(toolDeltas.map((delta) => delta.function?.arguments).join("")).toBe(
      '{"location": "San Francisco, CA"}',
    );
  });

  it("reports an error event with the status its type stands for", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 1);
    const steps = events(fixture("anthropic-error-stream.txt")).map(({ event, data }) =>
      translator.step(event, data),
    );
    expect(steps[1]).toEqual({
      kind: "error",
      status: 529,
      message: "overloaded_error: Overloaded",
    });
  });

  it("ignores ping events", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 1);
    expect(translator.step("ping", { type: "ping" })).toEqual({ kind: "none" });
  });
});
