import type { StoredAnswer } from "../cache/cached-answer.ts";
import { UpstreamProtocolError, UpstreamTimeoutError } from "../errors.ts";
import type { ChatCompletion, ChatCompletionChunk, Usage } from "../openai-types.ts";
import type { StreamRead } from "../providers/chunk-source.ts";
import type { RequestContext } from "../request/request-context.ts";
import { isJsonText } from "../request/structured-output.ts";
import type { ExecutionResult } from "../resilience/execute-candidates.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { settleSpend } from "../spend/spend.ts";
import type { PassThroughFraming, StreamEncoder } from "./answer-format.ts";
import { assembleCompletion, CompletionAssembler } from "./completion-assembly.ts";
import { IdleTimer, type IdleClock } from "./idle-timer.ts";
import { dataFrames } from "./sse-response.ts";
import type { OpenedStream } from "./stream-open.ts";

export type { OpenedStream } from "./stream-open.ts";

/** Options of {@link pumpStream}. */
export interface PumpOptions {
  /** Writes the client's events. */
  encoder: StreamEncoder;
  /** `LLM_ATTEMPT_TIMEOUT_MS`: the longest silence between chunks. */
  idleMs: number;
  /** `response_format` asked for JSON: an answer that is not JSON ends with an error event. */
  structured: boolean;
  /**
   * Whether the answer is wanted once complete (to be cached): only then does a pass-through
   * stream keep its chunks and assemble them at the end.
   * @default true
   */
  assemble?: boolean;
  /**
   * `LLM_MAX_RESPONSE_BYTES`: a pass-through stream stops keeping chunks beyond this many
   * characters, and its answer is then neither cached nor (when structured) vouched for.
   * @default Infinity
   */
  maxAnswerBytes?: number;
  /** Applied to every error message the client sees. */
  redact: (text: string) => string;
  /** Called once: with the assembled answer, or undefined when the stream failed, was cancelled or is not to be stored. */
  onFinished: (answer: StoredAnswer | undefined) => void;
  /**
   * The idle timer's clock.
   * @default systemClock
   */
  clock?: IdleClock;
}

/**
 * One committed stream on its way to the client. Chat Completions streams pass through: a read's
 * chunks go out as the bytes they came in (or framed once per read), nothing is parsed but the
 * usage chunk, and the completion is assembled at the end only when it is to be cached or checked.
 * Other formats (Responses) get every chunk parsed, encoded and assembled as it comes.
 */
class StreamPump {
  private closed = false;
  private readonly pending: StreamRead[];
  private readonly timer: IdleTimer;
  private stall: Error | undefined;
  private usage: Usage | undefined;
  private readonly passThrough: PassThroughFraming | undefined;
  private readonly assemble: boolean;
  /** Chunk texts kept for the completion (pass-through), undefined when not kept. */
  private kept: string[] | undefined;
  private keptSize = 0;
  /** Per-chunk assembly (formats that translate). */
  private readonly assembler: CompletionAssembler | undefined;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly context: RequestContext,
    private readonly result: ExecutionResult<OpenedStream>,
    private readonly options: PumpOptions,
  ) {
    this.pending = [...result.value.buffered];
    this.passThrough = options.encoder.passThrough;
    this.assemble = options.assemble ?? true;
    if (!this.passThrough) this.assembler = new CompletionAssembler();
    else if (this.assemble || options.structured) this.kept = [];
    this.timer = new IdleTimer(options.idleMs, this.stalled, options.clock);
  }

  /** The stream's `pull`: sends the next read's chunks, or ends the stream. */
  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (this.closed) return;
    try {
      // A pull that enqueues nothing is not called again by the stream machinery: keep reading
      // until something reaches the client or the stream ends.
      while (true) {
        const read = this.pending.length > 0 ? this.pending.shift() : await this.next(controller);
        if (read === undefined) return;
        const sent = this.deliver(read, controller);
        if (read.done) return this.succeed(controller);
        if (sent) return;
      }
    } catch (error) {
      this.fail(controller, error);
    }
  }

  /** The stream's `cancel`: the client went away. */
  async cancel(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer.stop();
    this.options.onFinished(undefined);
    this.context.complete(499, "client closed the stream");
    this.result.value.abort();
    await this.result.value.source.cancel();
  }

  /** The next read from upstream, under the idle bound; undefined once the stream has ended. */
  private async next(
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): Promise<StreamRead | undefined> {
    let read: StreamRead;
    this.timer.waitStarted();
    try {
      read = await this.result.value.source.read();
    } catch (error) {
      this.timer.waitEnded();
      this.fail(controller, this.stall ?? error);
      return undefined;
    }
    this.timer.waitEnded();
    if (this.stall) this.fail(controller, this.stall);
    return this.closed ? undefined : read;
  }

  /** Sends a read's chunks; returns whether anything reached the client. */
  private deliver(
    read: StreamRead,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean {
    if (read.usage) this.usage = read.usage.usage;
    const framing = this.passThrough;
    if (!framing) {
      let sent = false;
      for (const data of read.chunks) sent = this.translate(data, controller) || sent;
      if (read.usage) sent = this.translate(read.usage.data, controller) || sent;
      return sent;
    }
    const chunks = read.chunks;
    if (this.kept) this.keep(chunks);
    let sent = false;
    if (chunks.length > 0) {
      controller.enqueue(read.frames ?? dataFrames(chunks));
      sent = true;
    }
    if (read.usage && framing.includeUsage) {
      controller.enqueue(dataFrames([read.usage.data]));
      sent = true;
    }
    return sent;
  }

  private translate(
    data: string,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean {
    const chunk = JSON.parse(data) as ChatCompletionChunk;
    this.assembler?.add(chunk);
    const frame = this.options.encoder.chunk(chunk);
    if (frame === undefined) return false;
    controller.enqueue(frame);
    return true;
  }

  private keep(chunks: readonly string[]): void {
    const kept = this.kept as string[];
    for (const data of chunks) {
      this.keptSize += data.length;
      kept.push(data);
    }
    // Beyond the bound the answer is not cached: stop holding it.
    if (this.keptSize > (this.options.maxAnswerBytes ?? Infinity)) this.kept = undefined;
  }

  private readonly stalled = (): void => {
    this.stall = new UpstreamTimeoutError(
      "upstream",
      `no chunk for ${this.options.idleMs} ms (LLM_ATTEMPT_TIMEOUT_MS)`,
    );
    // Either settles the pending read; `next` then reports the stall.
    this.result.value.abort();
    void this.result.value.source.cancel();
  };

  /** The completion the stream added up to, when one is needed and could be kept. */
  private completion(): ChatCompletion | undefined {
    if (this.assembler) return this.assembler.completion();
    if (!this.kept) return undefined;
    try {
      return assembleCompletion(this.kept, this.usage);
    } catch {
      throw new UpstreamProtocolError(
        this.result.candidate.provider,
        "malformed JSON in stream chunk",
      );
    }
  }

  private succeed(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const { candidate, reservation } = this.result;
    this.timer.stop();
    // The body has no more to give once its end marker arrived.
    void this.result.value.source.cancel();
    settleSpend(this.runtime, this.context, candidate, reservation, this.usage);
    let completion: ChatCompletion | undefined;
    try {
      completion = this.completion();
    } catch (error) {
      return this.fail(controller, error);
    }
    if (this.options.structured) {
      const unchecked = completion === undefined;
      if (
        completion === undefined ||
        completion.choices.some(
          (choice) =>
            (choice.message.tool_calls?.length ?? 0) === 0 &&
            !isJsonText(choice.message.content ?? ""),
        )
      ) {
        this.closed = true;
        controller.enqueue(
          this.options.encoder.error(
            unchecked
              ? "The answer is larger than LLM_MAX_RESPONSE_BYTES, so it could not be checked to be JSON as response_format asked."
              : "The answer is not valid JSON although response_format asked for it.",
            "invalid_structured_output",
          ),
        );
        controller.close();
        this.options.onFinished(undefined);
        this.context.complete(200, "structured answer is not JSON");
        return;
      }
    }
    this.closed = true;
    controller.enqueue(
      this.passThrough
        ? this.passThrough.done
        : this.options.encoder.done(completion as ChatCompletion),
    );
    controller.close();
    this.options.onFinished(
      this.assemble && completion
        ? { provider: candidate.provider, model: candidate.model, body: JSON.stringify(completion) }
        : undefined,
    );
    this.context.complete(200);
  }

  private fail(controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.stop();
    const message = this.options.redact(error instanceof Error ? error.message : String(error));
    controller.enqueue(
      this.options.encoder.error(
        `The upstream stream failed after it started: ${message}`,
        "upstream_stream_error",
      ),
    );
    controller.close();
    // The reservation stays as the spend: the provider bills the partial answer and usage is unknown.
    this.runtime.metrics.attempts.increment({
      provider: this.result.candidate.provider,
      outcome: "stream_error",
    });
    this.result.value.abort();
    void this.result.value.source.cancel();
    this.options.onFinished(undefined);
    this.context.complete(200, message);
  }
}

/**
 * Streams the committed answer: the buffered reads, then the rest as they arrive, with one idle
 * timer for the whole stream. A failure after the commit point (cut, error event, stall) ends the
 * stream with an error event and no completion marker, so the client can tell a cut answer from a
 * complete one. The spend is settled once, when the stream ends complete.
 */
export function pumpStream(
  runtime: GatewayRuntime,
  context: RequestContext,
  result: ExecutionResult<OpenedStream>,
  options: PumpOptions,
): ReadableStream<Uint8Array> {
  const pump = new StreamPump(runtime, context, result, options);
  return new ReadableStream<Uint8Array>({
    pull: (controller) => pump.pull(controller),
    cancel: () => pump.cancel(),
  });
}
