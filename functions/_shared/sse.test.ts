import { describe, expect, it } from "vitest";
import { parseServerSentEvents, type ServerSentEvent } from "./sse.ts";

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(body)) events.push(event);
  return events;
}

describe("parseServerSentEvents", () => {
  it("parses named events and default message events", async () => {
    expect(await collect(streamOf("event: ping\ndata: {}\n\ndata: x\n\n"))).toEqual([
      { event: "ping", data: "{}" },
      { event: "message", data: "x" },
    ]);
  });

  it("reassembles events split across network chunks, even inside a UTF-8 character", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    expect(await collect(body)).toEqual([{ event: "message", data: "héllo" }]);
  });

  it("joins multi-line data with newlines and ignores comments", async () => {
    expect(await collect(streamOf(": keep-alive\ndata: a\ndata: b\n\n"))).toEqual([
      { event: "message", data: "a\nb" },
    ]);
  });

  it("accepts CRLF line endings", async () => {
    expect(await collect(streamOf("data: a\r\n\r\n"))).toEqual([{ event: "message", data: "a" }]);
  });

  it("drops a final event that has no blank line (a cut stream)", async () => {
    expect(await collect(streamOf("data: a\n\ndata: b"))).toEqual([
      { event: "message", data: "a" },
    ]);
  });
});
