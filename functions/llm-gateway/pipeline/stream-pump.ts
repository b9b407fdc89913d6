import type { StoredAnswer } from "../cache/cached-answer.ts";
import { UpstreamTimeoutError } from "../errors.ts";
import type { ChatCompletionChunk } from "../openai-types.ts";
import type { RequestContext } from "../request/request-context.ts";
import { isJsonText } from "../request/structured-output.ts";
import type { ExecutionResult } from "../resilience/execute-candidates.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { settleSpend } from "../spend/spend.ts";
import type { StreamEncoder } from "./answer-format.ts";
import { CompletionAssembler } from "./completion-assembly.ts";

/** A stream whose first meaningful chunk has arrived: the point after which there is no fallback. */
export interface OpenedStream {
  /** Chunks read before the commit point. */
  buffered: ChatCompletionChunk[];
  /** The rest of the upstream stream. */
  iterator: AsyncIterator<ChatCompletionChunk>;
  /** True when the upstream stream ended while the first chunks were read. */
  finished: boolean;
  /** Cancels the upstream body, which also settles an iterator that is waiting on it. */
  abort: () => void;
}

/** Options of {@link pumpStream}. */
export interface PumpOptions {
  /** Writes the client's events. */
  encoder: StreamEncoder;
  /** `LLM_ATTEMPT_TIMEOUT_MS`: the longest silence between chunks. */
  idleMs: number;
  /** `response_format` asked for JSON: an answer that is not JSON ends with an error event. */
  structured: boolean;
  /** Applied to every error message the client sees. */
  redact: (text: string) => string;
  /** Called once: with the assembled answer, or undefined when the stream failed or was cancelled. */
  onFinished: (answer: StoredAnswer | undefined) => void;
}

/**
 * The next chunk, or an `UpstreamTimeoutError` when the provider stays silent for `idleMs`: after
 * the commit point a stalled stream must still end (with an error event), never hang.
 */
async function nextWithin(
  iterator: AsyncIterator<ChatCompletionChunk>,
  idleMs: number,
): Promise<IteratorResult<ChatCompletionChunk>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UpstreamTimeoutError(
            "upstream",
            `no chunk for ${idleMs} ms (LLM_ATTEMPT_TIMEOUT_MS)`,
          ),
        ),
      idleMs,
    );
  });
  try {
    return await Promise.race([iterator.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Streams the committed answer: the buffered chunks, then the rest as they arrive. A failure after
 * the commit point ends the stream with an error event and no completion marker, so the client can
 * tell a cut answer from a complete one.
 */
export function pumpStream(
  runtime: GatewayRuntime,
  context: RequestContext,
  result: ExecutionResult<OpenedStream>,
  options: PumpOptions,
): ReadableStream<Uint8Array> {
  const { candidate, reservation } = result;
  const { iterator } = result.value;
  const { encoder } = options;
  const pending = [...result.value.buffered];
  let finished = result.value.finished;
  const assembler = new CompletionAssembler();
  let closed = false;

  /** Enqueues a chunk for the client; returns false when nothing was sent. */
  const forward = (
    chunk: ChatCompletionChunk,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean => {
    assembler.add(chunk);
    const frame = encoder.chunk(chunk);
    if (frame === undefined) return false;
    controller.enqueue(frame);
    return true;
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void => {
    closed = true;
    const message = options.redact(error instanceof Error ? error.message : String(error));
    controller.enqueue(
      encoder.error(
        `The upstream stream failed after it started: ${message}`,
        "upstream_stream_error",
      ),
    );
    controller.close();
    // The reservation stays as the spend: the provider bills the partial answer and usage is unknown.
    runtime.metrics.attempts.increment({ provider: candidate.provider, outcome: "stream_error" });
    result.value.abort();
    options.onFinished(undefined);
    context.complete(200, message);
  };

  const succeed = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    const completion = assembler.completion();
    settleSpend(runtime, context, candidate, reservation, assembler.usage);
    if (
      options.structured &&
      completion.choices.some(
        (choice) =>
          (choice.message.tool_calls?.length ?? 0) === 0 &&
          !isJsonText(choice.message.content ?? ""),
      )
    ) {
      closed = true;
      controller.enqueue(
        encoder.error(
          "The answer is not valid JSON although response_format asked for it.",
          "invalid_structured_output",
        ),
      );
      controller.close();
      options.onFinished(undefined);
      context.complete(200, "structured answer is not JSON");
      return;
    }
    closed = true;
    controller.enqueue(encoder.done(completion));
    controller.close();
    options.onFinished({
      provider: candidate.provider,
      model: candidate.model,
      body: JSON.stringify(completion),
    });
    context.complete(200);
  };

  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (closed) return;
      while (pending.length > 0) forward(pending.shift() as ChatCompletionChunk, controller);
      if (finished) return succeed(controller);
      try {
        // A pull that enqueues nothing is not called again by the stream machinery: keep reading
        // until something reaches the client or the stream ends.
        while (true) {
          const next = await nextWithin(iterator, options.idleMs);
          if (next.done) {
            finished = true;
            return succeed(controller);
          }
          if (forward(next.value, controller)) return;
        }
      } catch (error) {
        fail(controller, error);
      }
    },
    cancel: async () => {
      closed = true;
      options.onFinished(undefined);
      context.complete(499, "client closed the stream");
      result.value.abort();
      await iterator.return?.(undefined);
    },
  });
}
