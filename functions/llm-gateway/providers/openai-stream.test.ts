import { describe, expect, it } from "vitest";
import { isUpstreamHttpError, isUpstreamProtocolError } from "../errors.ts";
import { bodyOf } from "../test/byte-stream.ts";
import type { StreamRead } from "./chunk-source.ts";
import { OpenAiChunkSource } from "./openai-stream.ts";

const encoder = new TextEncoder();

/** A chunk as OpenAI sends it, members this gateway does not know included. */
const chunk = (content: string): string =>
  `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"q8Zk"}`;
const usageChunk =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":2,"total_tokens":21}}';
const frame = (data: string): string => `data: ${data}\n\n`;

function sourceOf(pieces: (string | Uint8Array)[], kind?: "bytes" | "default"): OpenAiChunkSource {
  return new OpenAiChunkSource(
    "openai",
    bodyOf(pieces, kind),
    new AbortController().signal,
    10_000,
  );
}

async function readAll(source: OpenAiChunkSource): Promise<StreamRead[]> {
  const reads: StreamRead[] = [];
  while (true) {
    const read = await source.read();
    reads.push(read);
    if (read.done) return reads;
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("OpenAiChunkSource", () => {
  it("hands back a read of whole chunks as the very bytes it came in", async () => {
    const piece = frame(chunk('Hé "quoted" 😀')) + frame(chunk(" there"));
    const read = await sourceOf([piece, frame("[DONE]")]).read();
    expect(read.frames).toEqual(encoder.encode(piece));
  });

  it("keeps each chunk's JSON text as it came, unknown members included", async () => {
    const read = await sourceOf([frame(chunk("Hello")), frame("[DONE]")]).read();
    expect(read.chunks).toEqual([chunk("Hello")]);
  });

  it("frames nothing verbatim when a chunk is split across reads", async () => {
    const text = frame(chunk("Hello"));
    const reads = await readAll(sourceOf([text.slice(0, 40), text.slice(40), frame("[DONE]")]));
    expect(reads.map((read) => [read.chunks.length, read.frames])).toEqual([
      [0, undefined],
      [1, undefined],
      [0, undefined],
    ]);
  });

  it("decodes a character split between two reads", async () => {
    const bytes = encoder.encode(frame(chunk("😀")));
    const split = bytes.indexOf(0xf0) + 2;
    const reads = await readAll(
      sourceOf([bytes.subarray(0, split), bytes.subarray(split), frame("[DONE]")]),
    );
    expect(reads.flatMap((read) => read.chunks)).toEqual([chunk("😀")]);
  });

  it("reports the usage-only chunk apart from the chunks", async () => {
    const reads = await readAll(
      sourceOf([frame(chunk("Hi")) + frame(usageChunk) + frame("[DONE]")]),
    );
    expect(reads.map((read) => [read.chunks.length, read.usage?.usage, read.done])).toEqual([
      [1, { prompt_tokens: 19, completion_tokens: 2, total_tokens: 21 }, true],
    ]);
  });

  it("splits a chunk that carries both choices and usage into the chunk and a usage-only chunk", async () => {
    const mixed = chunk("Hi").replace(
      '"usage":null',
      '"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}',
    );
    const [read] = await readAll(sourceOf([frame(mixed) + frame("[DONE]")]));
    expect([
      read?.chunks.map((data) => JSON.parse(data).usage),
      JSON.parse(read?.usage?.data ?? ""),
    ]).toEqual([
      [undefined],
      expect.objectContaining({
        choices: [],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    ]);
  });

  it("ignores what follows [DONE]", async () => {
    const reads = await readAll(sourceOf([frame("[DONE]") + frame(chunk("late"))]));
    expect(reads.flatMap((read) => read.chunks)).toEqual([]);
  });

  it("throws a retryable 429 for a rate-limit error event", async () => {
    const error = await rejection(
      sourceOf([
        frame('{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}'),
      ]).read(),
    );
    expect([
      isUpstreamHttpError(error) && error.status,
      isUpstreamHttpError(error) && error.retryable,
    ]).toEqual([429, true]);
  });

  it("throws a protocol error for a chunk that is not a JSON object", async () => {
    const error = await rejection(sourceOf([frame('{"id":"chatcmpl-1","choi')]).read());
    expect(isUpstreamProtocolError(error)).toBe(true);
  });

  it("throws a protocol error when the body ends before [DONE]", async () => {
    const error = await rejection(readAll(sourceOf([frame(chunk("Hi"))])));
    expect(isUpstreamProtocolError(error) && error.message).toContain("before [DONE]");
  });

  it("throws a protocol error for an event larger than LLM_MAX_EVENT_BYTES", async () => {
    const source = new OpenAiChunkSource(
      "openai",
      bodyOf([frame(chunk("x".repeat(200)))]),
      new AbortController().signal,
      100,
    );
    const error = await rejection(source.read());
    expect(isUpstreamProtocolError(error) && error.message).toContain("LLM_MAX_EVENT_BYTES");
  });

  it("reads a body that is not a byte stream", async () => {
    const read = await sourceOf([frame(chunk("Hello")), frame("[DONE]")], "default").read();
    expect(read.frames).toEqual(encoder.encode(frame(chunk("Hello"))));
  });

  it("settles a pending read when cancelled", async () => {
    const source = new OpenAiChunkSource(
      "openai",
      // A body that never sends anything.
      new ReadableStream({ type: "bytes" }),
      new AbortController().signal,
      10_000,
    );
    const pending = rejection(source.read());
    await source.cancel();
    expect(isUpstreamProtocolError(await pending)).toBe(true);
  });
});
