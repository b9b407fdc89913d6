import { UpstreamProtocolError } from "../errors.ts";
import type { ChatCompletionChunk, ChatCompletionRequest } from "../openai-types.ts";
import type { ChunkSource, StreamRead } from "../providers/chunk-source.ts";
import type { AttemptContext } from "../providers/provider.ts";
import type { Candidate } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { isMeaningfulChunk } from "./sse-response.ts";

/** A stream whose first meaningful chunk has arrived: the point after which there is no fallback. */
export interface OpenedStream {
  /** The reads made up to the commit point, in order; the last one holds the first meaningful chunk. */
  buffered: StreamRead[];
  /** The rest of the upstream stream. */
  source: ChunkSource;
  /** Aborts the upstream request, which also settles a read that is waiting on it. */
  abort: () => void;
}

function meaningful(provider: string, data: string): boolean {
  let chunk: ChatCompletionChunk;
  try {
    chunk = JSON.parse(data) as ChatCompletionChunk;
  } catch {
    throw new UpstreamProtocolError(provider, "malformed JSON in stream chunk");
  }
  if (typeof chunk !== "object" || chunk === null || !Array.isArray(chunk.choices))
    throw new UpstreamProtocolError(provider, "stream chunk has no choices array");
  return isMeaningfulChunk(chunk);
}

/**
 * One streaming attempt up to its commit point: starts the provider's stream and reads until a
 * chunk carries something for the client (content, a tool call, a refusal or a finish reason).
 * Only these first chunks are parsed. A failure up to here rejects, so the next candidate can be
 * tried; nothing has reached the client yet.
 * @throws UpstreamError when the provider refuses, the stream fails, or it ends without content.
 */
export async function openStream(
  runtime: GatewayRuntime,
  request: ChatCompletionRequest,
  candidate: Candidate,
  attempt: AttemptContext,
): Promise<OpenedStream> {
  const provider = runtime.chatProviders.get(candidate.provider);
  if (!provider) throw new UpstreamProtocolError(candidate.provider, "provider not configured");
  // The attempt's signal stops mattering once the stream is committed; this one outlives it.
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const source = await provider.streamChunks(request, candidate.model, {
    ...attempt,
    signal: AbortSignal.any([attempt.signal, controller.signal]),
  });
  const buffered: StreamRead[] = [];
  try {
    while (true) {
      const read = await source.read();
      buffered.push(read);
      if (read.chunks.some((data) => meaningful(candidate.provider, data)))
        return { buffered, source, abort };
      if (read.done)
        throw new UpstreamProtocolError(candidate.provider, "stream ended without content");
    }
  } catch (error) {
    abort();
    await source.cancel();
    throw error;
  }
}
