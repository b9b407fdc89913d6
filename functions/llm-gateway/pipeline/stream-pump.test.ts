import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StoredAnswer } from "../cache/cached-answer.ts";
import { UpstreamProtocolError } from "../errors.ts";
import { emptyRead, type ChunkSource, type StreamRead } from "../providers/chunk-source.ts";
import { createRequestContext, type RequestContext } from "../request/request-context.ts";
import { noopSpan } from "../telemetry/tracing.ts";
import { textOf } from "../test/byte-stream.ts";
import { FakeClock } from "../test/fake-clock.ts";
import { startGateway, type GatewayHarness } from "../test/gateway-harness.ts";
import { chatCompletionsFormat } from "./answer-format.ts";
import { pumpStream, type PumpOptions } from "./stream-pump.ts";

let gateway: GatewayHarness;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});

const encoder = new TextEncoder();
const chunk = (content: string): string =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null,"unknown_member":[1]}`;
const finish =
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}';
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const usageData = JSON.stringify({
  id: "c1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [],
  usage,
});

function read(chunks: string[], extra: Partial<StreamRead> = {}): StreamRead {
  return { ...emptyRead(), chunks, ...extra };
}

/** A source that answers reads from a script; "hang" waits until the source is cancelled. */
class ScriptedSource implements ChunkSource {
  cancelled = 0;
  private settleHang: (() => void) | undefined;
  constructor(private readonly script: (StreamRead | "hang")[]) {}
  read(): Promise<StreamRead> {
    const next = this.script.shift();
    if (next === undefined)
      return Promise.reject(new UpstreamProtocolError("openai", "stream ended before [DONE]"));
    if (next !== "hang") return Promise.resolve(next);
    return new Promise((_resolve, reject) => {
      this.settleHang = () =>
        reject(new UpstreamProtocolError("openai", "stream ended before [DONE]"));
    });
  }
  cancel(): Promise<void> {
    this.cancelled += 1;
    this.settleHang?.();
    return Promise.resolve();
  }
}

interface Pumped {
  stream: ReadableStream<Uint8Array>;
  context: RequestContext;
  finished: (StoredAnswer | undefined)[];
  source: ScriptedSource;
}

function pump(
  buffered: StreamRead[],
  script: (StreamRead | "hang")[],
  options: Partial<PumpOptions> = {},
): Pumped {
  const context = createRequestContext(
    gateway.runtime,
    "request-1",
    "/v1/chat/completions",
    () => ({
      scope: {
        signal: new AbortController().signal,
        deadlineSignal: new AbortController().signal,
        deadlineAt: Date.now() + 60_000,
        requestId: "request-1",
        span: undefined,
      },
      dispose: () => undefined,
    }),
    noopSpan,
  );
  const source = new ScriptedSource(script);
  const finished: (StoredAnswer | undefined)[] = [];
  const stream = pumpStream(
    gateway.runtime,
    context,
    {
      value: { buffered, source, abort: () => undefined },
      candidate: { provider: "openai", model: "gpt-4o" },
      attempts: 1,
      reservation: { key: "", amount: 0, known: false },
    },
    {
      encoder: chatCompletionsFormat.encoder(false),
      idleMs: 1000,
      structured: false,
      redact: (text) => text,
      onFinished: (answer) => finished.push(answer),
      ...options,
    },
  );
  return { stream, context, finished, source };
}

describe("pumpStream, Chat Completions", () => {
  it("sends a read's bytes as they came when it has them", async () => {
    const bytes = encoder.encode(`data: ${chunk("Hi")}\n\n`);
    const { stream } = pump([read([chunk("Hi")], { frames: bytes })], [read([], { done: true })]);
    const reader = stream.getReader();
    expect((await reader.read()).value).toBe(bytes);
  });

  it("frames a read's chunk texts once, as they are, when it has no bytes", async () => {
    const { stream } = pump([read([chunk("Hi"), chunk(" there")])], [read([], { done: true })]);
    const reader = stream.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(
      `data: ${chunk("Hi")}\n\ndata: ${chunk(" there")}\n\n`,
    );
  });

  it("leaves the usage chunk out for a client that did not ask for usage", async () => {
    const { stream } = pump(
      [read([chunk("Hi")])],
      [read([finish], { usage: { data: usageData, usage }, done: true })],
    );
    expect(await textOf(stream)).toBe(
      `data: ${chunk("Hi")}\n\ndata: ${finish}\n\ndata: [DONE]\n\n`,
    );
  });

  it("sends the usage chunk to a client that asked for it", async () => {
    const { stream } = pump(
      [read([chunk("Hi")])],
      [read([finish], { usage: { data: usageData, usage }, done: true })],
      { encoder: chatCompletionsFormat.encoder(true) },
    );
    expect(await textOf(stream)).toContain(`data: ${usageData}\n\ndata: [DONE]\n\n`);
  });

  it("creates one idle timer for a stream of 100 reads", async () => {
    const clock = new FakeClock();
    const script = Array.from({ length: 100 }, (_, index) => read([chunk(String(index))]));
    const { stream } = pump([read([chunk("first")])], [...script, read([finish], { done: true })], {
      clock,
    });
    await textOf(stream);
    expect(clock.created).toBe(1);
  });

  it("ends a stream that stalls after the commit with an error event and no [DONE]", async () => {
    const clock = new FakeClock();
    const { stream, source } = pump([read([chunk("Hi")])], ["hang"], { clock });
    const reader = stream.getReader();
    await reader.read();
    // Let the pump start its wait on the hanging read.
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    clock.advance(1000);
    const text = new TextDecoder().decode((await reader.read()).value);
    expect([
      text.includes("upstream_stream_error"),
      text.includes("data: [DONE]"),
      (await reader.read()).done,
      source.cancelled > 0,
    ]).toEqual([true, false, true, true]);
  });

  it("assembles the answer at the end when it is to be stored", async () => {
    const { stream, finished } = pump(
      [read([chunk("Hello")])],
      [read([chunk(" there"), finish], { usage: { data: usageData, usage }, done: true })],
      { assemble: true },
    );
    await textOf(stream);
    expect(JSON.parse(finished[0]?.body ?? "{}")).toMatchObject({
      choices: [{ message: { content: "Hello there" }, finish_reason: "stop" }],
      usage,
    });
  });

  it("assembles nothing when the answer is not to be stored", async () => {
    const { stream, finished } = pump([read([chunk("Hello")])], [read([finish], { done: true })], {
      assemble: false,
    });
    await textOf(stream);
    expect(finished).toEqual([undefined]);
  });

  it("does not store an answer larger than maxAnswerBytes", async () => {
    const { stream, finished } = pump([read([chunk("Hello")])], [read([finish], { done: true })], {
      maxAnswerBytes: 10,
    });
    await textOf(stream);
    expect(finished).toEqual([undefined]);
  });

  it("settles the spend once, with the usage of the usage chunk", async () => {
    const record = vi.spyOn(gateway.runtime.metrics, "recordUsage");
    const { stream, context } = pump(
      [read([chunk("Hi")])],
      [read([finish], { usage: { data: usageData, usage }, done: true })],
    );
    await textOf(stream);
    expect([
      record.mock.calls.length,
      context.outcome.inputTokens,
      context.outcome.outputTokens,
    ]).toEqual([1, 3, 2]);
    record.mockRestore();
  });

  it("ends with an error event and no [DONE] when the stream is cut", async () => {
    const { stream, finished } = pump([read([chunk("Hi")])], []);
    const text = await textOf(stream);
    expect([
      text.includes("upstream_stream_error"),
      text.includes("data: [DONE]"),
      finished,
    ]).toEqual([true, false, [undefined]]);
  });

  it("cancels the upstream when the client goes away", async () => {
    const { stream, source, finished } = pump([read([chunk("Hi")])], ["hang"]);
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect([source.cancelled > 0, finished]).toEqual([true, [undefined]]);
  });
});
