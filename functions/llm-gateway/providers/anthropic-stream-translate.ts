import type { ChatCompletionChunk, Usage } from "../openai-types.ts";
import {
  finishReasonOf,
  statusOfAnthropicError,
  usageOf,
  type AnthropicContentBlock,
  type AnthropicResponse,
  type AnthropicUsage,
  type StructuredOutputTool,
} from "./anthropic-translate.ts";

/** What an Anthropic stream event means when it is not a chunk. */
export type StreamSignal =
  | { kind: "none" }
  | { kind: "end" }
  | { kind: "error"; status: number; message: string }
  | { kind: "malformed" };

/** What one Anthropic stream event means in OpenAI terms, the chunk as an object. */
export type StreamStep =
  { kind: "chunk"; chunk: ChatCompletionChunk } | Exclude<StreamSignal, { kind: "malformed" }>;

const none: StreamSignal = { kind: "none" };
const end: StreamSignal = { kind: "end" };
const malformed: StreamSignal = { kind: "malformed" };

/** The delta and finish of a chunk that only ends its choice. */
const finishDelta = "{}";

/**
 * Stateful translator from Anthropic SSE events to OpenAI chunks, one instance per stream.
 * `message_start` gives the role chunk, text/tool deltas give content/tool_call chunks,
 * `message_delta` gives the finish chunk, `message_stop` ends the stream (then comes the usage-only
 * chunk of {@link usageChunkText}).
 *
 * Chunks are written as JSON text from a prefix built once per stream (id, created, model): a
 * text delta costs one parse of its event and one `JSON.stringify` of its text, with no chunk
 * object; `ping` and `message_stop` are not parsed at all.
 */
export class AnthropicStreamTranslator {
  private id = "";
  private model: string;
  private readonly created: number;
  private usage: AnthropicUsage = {};
  /** Every chunk's text up to its delta. */
  private head = "";
  /** Anthropic block index to OpenAI tool call index. */
  private readonly toolIndexOfBlock = new Map<number, number>();
  /** Block index of the schema tool's call, whose input streams as content. */
  private structuredBlock: number | undefined;
  /** The wrapped schema tool's input, emitted whole when its block stops. */
  private wrappedInput: string[] = [];
  /** Text blocks seen before the schema tool: dropped, the answer is the JSON. */
  private readonly structuredTool: StructuredOutputTool | undefined;

  constructor(
    model: string,
    created: number = Math.floor(Date.now() / 1000),
    structuredTool?: StructuredOutputTool,
  ) {
    this.model = model;
    this.created = created;
    this.structuredTool = structuredTool;
    this.buildHead();
  }

  private buildHead(): void {
    this.head = `{"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(this.model)},"choices":[{"index":0,"delta":`;
  }

  /** A chunk's JSON text from its delta's JSON text. */
  private chunk(delta: string, finishReason: string | null = null): string {
    return `${this.head}${delta},"finish_reason":${finishReason === null ? "null" : JSON.stringify(finishReason)}}]}`;
  }

  /**
   * Translates one event from its `event:` name and raw `data:` text: the chunk's JSON text, or
   * a signal (`malformed` when the data is not a JSON object).
   */
  translate(event: string, data: string): string | StreamSignal {
    if (event === "ping") return none;
    if (event === "message_stop") return end;
    if (
      event === "content_block_stop" &&
      (this.structuredBlock === undefined || !this.structuredTool?.wrapped)
    )
      return none;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return malformed;
    }
    if (typeof parsed !== "object" || parsed === null) return malformed;
    const fields = parsed as Record<string, unknown>;
    // The event name is also in data.type; the SSE field wins, as in Anthropic's SDK.
    return this.translateData(event === "message" ? String(fields.type ?? "") : event, fields);
  }

  /** Translates one event (`event:` name and parsed `data:`), the chunk as an object. */
  step(event: string, data: Record<string, unknown>): StreamStep {
    const result = this.translateData(event, data);
    if (typeof result === "string")
      return { kind: "chunk", chunk: JSON.parse(result) as ChatCompletionChunk };
    // translateData never reports `malformed`: its data is parsed already.
    return result.kind === "malformed" ? { kind: "none" } : result;
  }

  /** Translates one event (`event:` name and parsed `data:`) to a chunk's JSON text or a signal. */
  translateData(event: string, data: Record<string, unknown>): string | StreamSignal {
    switch (event) {
      case "message_start": {
        const message = (data.message ?? {}) as Partial<AnthropicResponse>;
        this.id = message.id ?? this.id;
        this.model = message.model ?? this.model;
        this.usage = { ...message.usage };
        this.buildHead();
        return this.chunk('{"role":"assistant","content":""}');
      }
      case "content_block_start":
        return this.blockStart(data);
      case "content_block_delta":
        return this.blockDelta(data);
      case "message_delta": {
        const delta = (data.delta ?? {}) as { stop_reason?: string | null };
        const usage = (data.usage ?? {}) as AnthropicUsage;
        for (const [name, value] of Object.entries(usage)) {
          if (value !== null && value !== undefined)
            (this.usage as Record<string, unknown>)[name] = value;
        }
        const finish =
          this.structuredBlock !== undefined && this.toolIndexOfBlock.size === 0
            ? "stop"
            : (finishReasonOf(delta.stop_reason) ?? "stop");
        return this.chunk(finishDelta, finish);
      }
      case "content_block_stop":
        return this.blockStop(data);
      case "message_stop":
        return end;
      case "error": {
        const error = (data.error ?? {}) as { type?: string; message?: string };
        return {
          kind: "error",
          status: statusOfAnthropicError(error.type),
          message: `${error.type ?? "error"}: ${error.message ?? "stream error"}`,
        };
      }
      default:
        // ping and future event types carry nothing for the client.
        return none;
    }
  }

  private blockStart(data: Record<string, unknown>): string | StreamSignal {
    const block = (data.content_block ?? {}) as AnthropicContentBlock;
    if (block.type !== "tool_use") return none;
    if (this.structuredTool !== undefined && block.name === this.structuredTool.name) {
      this.structuredBlock = Number(data.index);
      return none;
    }
    const toolIndex = this.toolIndexOfBlock.size;
    this.toolIndexOfBlock.set(Number(data.index), toolIndex);
    return this.chunk(
      JSON.stringify({
        tool_calls: [
          {
            index: toolIndex,
            id: block.id ?? "",
            type: "function",
            function: { name: block.name ?? "", arguments: "" },
          },
        ],
      }),
    );
  }

  private blockDelta(data: Record<string, unknown>): string | StreamSignal {
    const delta = (data.delta ?? {}) as { type?: string; text?: string; partial_json?: string };
    // With a schema tool the answer is its input: prose around it is not part of the JSON.
    if (delta.type === "text_delta")
      return this.structuredTool === undefined
        ? this.chunk(`{"content":${JSON.stringify(delta.text ?? "")}}`)
        : none;
    if (delta.type !== "input_json_delta") return none;
    const piece = JSON.stringify(delta.partial_json ?? "");
    if (Number(data.index) === this.structuredBlock) {
      if (this.structuredTool?.wrapped) {
        this.wrappedInput.push(delta.partial_json ?? "");
        return none;
      }
      return this.chunk(`{"content":${piece}}`);
    }
    const toolIndex = this.toolIndexOfBlock.get(Number(data.index));
    if (toolIndex === undefined) return none;
    return this.chunk(`{"tool_calls":[{"index":${toolIndex},"function":{"arguments":${piece}}}]}`);
  }

  private blockStop(data: Record<string, unknown>): string | StreamSignal {
    if (Number(data.index) !== this.structuredBlock || !this.structuredTool?.wrapped) return none;
    const input = this.wrappedInput.join("");
    this.wrappedInput = [];
    let value: unknown;
    try {
      value = (JSON.parse(input) as { value?: unknown }).value;
    } catch {
      return { kind: "error", status: 502, message: "the structured answer is not valid JSON" };
    }
    const text = JSON.stringify(value) as string | undefined;
    return this.chunk(text === undefined ? finishDelta : `{"content":${JSON.stringify(text)}}`);
  }

  /** The stream's usage so far, in OpenAI's shape. */
  currentUsage(): Usage {
    return usageOf(this.usage);
  }

  /** The final usage-only chunk (OpenAI's `stream_options.include_usage` shape). */
  usageChunk(): ChatCompletionChunk {
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [],
      usage: this.currentUsage(),
    };
  }

  /** {@link usageChunk} as JSON text. */
  usageChunkText(): string {
    return JSON.stringify(this.usageChunk());
  }
}
