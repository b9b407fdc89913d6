import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunksFromCompletion, CompletionAssembler } from "./completion-assembly.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../openai-types.ts";

const openAiChunks = readFileSync(
  new URL("../providers/__fixtures__/openai-stream.txt", import.meta.url),
  "utf8",
)
  .split("\n\n")
  .map((block) => block.replace(/^data: /, "").trim())
  .filter((data) => data !== "" && data !== "[DONE]")
  .map((data) => JSON.parse(data) as ChatCompletionChunk);

describe("CompletionAssembler", () => {
  it("assembles streamed chunks into the completion they add up to", () => {
    const assembler = new CompletionAssembler();
    for (const chunk of openAiChunks) assembler.add(chunk);
    const completion = assembler.completion();
    expect(completion.choices).toEqual([
      { index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" },
    ]);
    expect(completion.usage?.total_tokens).toBe(21);
    expect(completion.model).toBe("gpt-4o-2024-08-06");
  });

  it("joins tool call argument fragments by index", () => {
    const assembler = new CompletionAssembler();
    const base = { id: "c", object: "chat.completion.chunk" as const, created: 1, model: "m" };
    assembler.add({
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: "t1", type: "function", function: { name: "f", arguments: "" } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    assembler.add({
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
          finish_reason: null,
        },
      ],
    });
    assembler.add({
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: "1}" } }] },
          finish_reason: "tool_calls",
        },
      ],
    });
    const message = assembler.completion().choices[0]?.message;
    expect(message?.tool_calls).toEqual([
      { id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
    ]);
    expect(message?.content).toBeNull();
  });
});

describe("chunksFromCompletion", () => {
  const completion: ChatCompletion = {
    id: "c1",
    object: "chat.completion",
    created: 5,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  };

  it("replays role, content and finish chunks", () => {
    const chunks = chunksFromCompletion(completion, false);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hi" },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("adds the usage chunk only when asked", () => {
    expect(chunksFromCompletion(completion, true).at(-1)).toMatchObject({
      choices: [],
      usage: completion.usage,
    });
    expect(chunksFromCompletion(completion, false).some((chunk) => chunk.usage)).toBe(false);
  });

  it("round-trips through the assembler", () => {
    const assembler = new CompletionAssembler();
    for (const chunk of chunksFromCompletion(completion, true)) assembler.add(chunk);
    expect(assembler.completion()).toEqual(completion);
  });
});
