import type { ChatCompletionChunk } from "../openai-types.ts";

const encoder = new TextEncoder();

/** One SSE `data:` frame. */
export function sseFrame(data: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
}

/**
 * Chunks given as JSON texts, framed as `data:` events in one piece of bytes (one encode for the
 * lot, no JSON work).
 */
export function dataFrames(chunks: readonly string[]): Uint8Array {
  if (chunks.length === 1) return encoder.encode(`data: ${chunks[0] as string}\n\n`);
  let text = "";
  for (const chunk of chunks) text += `data: ${chunk}\n\n`;
  return encoder.encode(text);
}

/** The terminating frame of a successful OpenAI stream. */
export const doneFrame = encoder.encode("data: [DONE]\n\n");

/** Response headers of an SSE stream. */
export const sseHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
};

/** Whether a chunk carries something for the client beyond the role (the commit point of a stream). */
export function isMeaningfulChunk(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    if (choice.finish_reason) return true;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === "string" && delta.content !== "") return true;
    if (delta.tool_calls && delta.tool_calls.length > 0) return true;
    if (typeof delta.refusal === "string" && delta.refusal !== "") return true;
  }
  return false;
}

/** Whether a chunk is the final usage-only chunk. */
export function isUsageChunk(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage !== undefined && chunk.usage !== null;
}

/** A replayed (cached) completion as an SSE body. */
export function replayStream(chunks: readonly ChatCompletionChunk[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(sseFrame(chunk));
      controller.enqueue(doneFrame);
      controller.close();
    },
  });
}
