import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isUpstreamHttpError, isUpstreamProtocolError } from "../errors.ts";
import { bodyOf } from "../test/byte-stream.ts";
import { AnthropicChunkSource } from "./anthropic-stream.ts";
import { AnthropicStreamTranslator } from "./anthropic-stream-translate.ts";
import { parsedChunks } from "./chunk-source.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");

function sourceOf(pieces: string[]): AnthropicChunkSource {
  return new AnthropicChunkSource("anthropic", bodyOf(pieces), new AbortController().signal, {
    model: "claude-x",
    structuredTool: undefined,
    maxEventBytes: 100_000,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("AnthropicStreamTranslator.translate", () => {
  it("writes a text delta as a chunk whose JSON keeps quotes, newlines and emoji", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 7);
    const text = 'He said "hi"\n\u2028😀\\';
    const data = translator.translate(
      "content_block_delta",
      JSON.stringify({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      }),
    );
    expect(JSON.parse(data as string)).toEqual({
      id: "",
      object: "chat.completion.chunk",
      created: 7,
      model: "claude-x",
      choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
    });
  });

  it("answers ping without parsing its data", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 7);
    expect(translator.translate("ping", "not even JSON")).toEqual({ kind: "none" });
  });

  it("reports data that is not JSON as malformed", () => {
    const translator = new AnthropicStreamTranslator("claude-x", 7);
    expect(translator.translate("content_block_delta", "{oops")).toEqual({ kind: "malformed" });
  });
});

describe("AnthropicChunkSource", () => {
  it("reads a stream as the chunks of the translator, then the usage chunk", async () => {
    const chunks = [];
    for await (const chunk of parsedChunks(sourceOf([fixture("anthropic-stream.txt")])))
      chunks.push(chunk);
    expect([
      chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null).join(""),
      chunks.at(-1)?.usage,
    ]).toEqual(["Hello!", { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 }]);
  });

  it("frames nothing verbatim: its chunks are translations", async () => {
    const read = await sourceOf([fixture("anthropic-stream.txt")]).read();
    expect([read.frames, read.done, read.chunks.length]).toEqual([undefined, true, 4]);
  });

  it("throws the status an error event stands for", async () => {
    const error = await rejection(sourceOf([fixture("anthropic-error-stream.txt")]).read());
    expect(isUpstreamHttpError(error) && error.status).toBe(529);
  });

  it("throws a protocol error when the body ends before message_stop", async () => {
    const text = fixture("anthropic-stream.txt");
    const source = sourceOf([text.slice(0, text.indexOf("event: message_stop"))]);
    await source.read();
    expect(isUpstreamProtocolError(await rejection(source.read()))).toBe(true);
  });
});
