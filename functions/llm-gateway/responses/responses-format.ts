import type { ChatCompletion, ChatCompletionChunk, Usage } from "../openai-types.ts";
import type { AnswerFormat, StreamEncoder } from "../pipeline/answer-format.ts";

const encoder = new TextEncoder();

type Json = Record<string, unknown>;

function responsesUsage(usage: Usage | undefined): Json | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

/** Ids of the Responses API carry a type prefix; the chat completion id keeps them stable. */
function suffixOf(id: string): string {
  return id.replace(/^[a-z]+[-_]/, "") || crypto.randomUUID().replaceAll("-", "");
}

function messageItem(id: string, text: string, status: string): Json {
  return {
    type: "message",
    id,
    status,
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [] }],
  };
}

function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: string,
): Json {
  return { type: "function_call", id, call_id: callId, name, arguments: args, status };
}

/** The Responses API `response` object for a chat completion (first choice). */
export function responseOfCompletion(completion: ChatCompletion, status = "completed"): Json {
  const suffix = suffixOf(completion.id);
  const choice = completion.choices[0];
  const output: Json[] = [];
  const text = choice?.message.content;
  if (typeof text === "string" && text !== "")
    output.push(messageItem(`msg_${suffix}`, text, "completed"));
  (choice?.message.tool_calls ?? []).forEach((call, index) => {
    output.push(
      functionCallItem(
        `fc_${suffix}_${index}`,
        call.id,
        call.function.name,
        call.function.arguments,
        "completed",
      ),
    );
  });
  const truncated = choice?.finish_reason === "length";
  return {
    id: `resp_${suffix}`,
    object: "response",
    created_at: completion.created,
    status: truncated ? "incomplete" : status,
    model: completion.model,
    output,
    output_text: typeof text === "string" ? text : "",
    error: null,
    incomplete_details: truncated ? { reason: "max_output_tokens" } : null,
    usage: responsesUsage(completion.usage),
  };
}

function event(type: string, data: Json, sequence: number): Uint8Array {
  return encoder.encode(
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...data })}\n\n`,
  );
}

/** One streamed tool call, opened as an output item. */
interface OpenCall {
  outputIndex: number;
  itemId: string;
  callId: string;
  name: string;
  arguments: string;
}

/**
 * Chat completion chunks as Responses API events: `response.created`, then for the text an
 * output item with `response.output_text.delta` events, for each tool call a `function_call` item
 * with `response.function_call_arguments.delta` events, then `response.completed` with the whole
 * response and its usage.
 */
class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private started = false;
  private suffix = "";
  private text: { outputIndex: number; itemId: string; text: string } | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private nextOutputIndex = 0;

  private emit(type: string, data: Json): Uint8Array {
    return event(type, data, this.sequence++);
  }

  private start(chunk: ChatCompletionChunk, parts: Uint8Array[]): void {
    if (this.started) return;
    this.started = true;
    this.suffix = suffixOf(chunk.id);
    const response = {
      id: `resp_${this.suffix}`,
      object: "response",
      created_at: chunk.created,
      status: "in_progress",
      model: chunk.model,
      output: [],
      usage: null,
    };
    parts.push(this.emit("response.created", { response }));
    parts.push(this.emit("response.in_progress", { response }));
  }

  chunk(chunk: ChatCompletionChunk): Uint8Array | undefined {
    const parts: Uint8Array[] = [];
    this.start(chunk, parts);
    const delta = chunk.choices[0]?.delta;
    if (typeof delta?.content === "string" && delta.content !== "") {
      if (!this.text) {
        this.text = { outputIndex: this.nextOutputIndex++, itemId: `msg_${this.suffix}`, text: "" };
        parts.push(
          this.emit("response.output_item.added", {
            output_index: this.text.outputIndex,
            item: {
              type: "message",
              id: this.text.itemId,
              status: "in_progress",
              role: "assistant",
              content: [],
            },
          }),
          this.emit("response.content_part.added", {
            item_id: this.text.itemId,
            output_index: this.text.outputIndex,
            content_index: 0,
            part: { type: "output_text", text: "", annotations: [] },
          }),
        );
      }
      this.text.text += delta.content;
      parts.push(
        this.emit("response.output_text.delta", {
          item_id: this.text.itemId,
          output_index: this.text.outputIndex,
          content_index: 0,
          delta: delta.content,
          logprobs: [],
        }),
      );
    }
    for (const call of delta?.tool_calls ?? []) {
      let open = this.calls.get(call.index);
      if (!open) {
        open = {
          outputIndex: this.nextOutputIndex++,
          itemId: `fc_${this.suffix}_${call.index}`,
          callId: call.id ?? `call_${this.suffix}_${call.index}`,
          name: call.function?.name ?? "",
          arguments: "",
        };
        this.calls.set(call.index, open);
        parts.push(
          this.emit("response.output_item.added", {
            output_index: open.outputIndex,
            item: functionCallItem(open.itemId, open.callId, open.name, "", "in_progress"),
          }),
        );
      }
      const piece = call.function?.arguments ?? "";
      if (piece !== "") {
        open.arguments += piece;
        parts.push(
          this.emit("response.function_call_arguments.delta", {
            item_id: open.itemId,
            output_index: open.outputIndex,
            delta: piece,
          }),
        );
      }
    }
    return parts.length === 0 ? undefined : concat(parts);
  }

  done(completion: ChatCompletion): Uint8Array {
    const parts: Uint8Array[] = [];
    if (!this.started)
      this.start({ ...completion, object: "chat.completion.chunk", choices: [] }, parts);
    if (this.text) {
      const { itemId, outputIndex, text } = this.text;
      parts.push(
        this.emit("response.output_text.done", {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          text,
        }),
        this.emit("response.content_part.done", {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          part: { type: "output_text", text, annotations: [] },
        }),
        this.emit("response.output_item.done", {
          output_index: outputIndex,
          item: messageItem(itemId, text, "completed"),
        }),
      );
    }
    for (const call of this.calls.values()) {
      parts.push(
        this.emit("response.function_call_arguments.done", {
          item_id: call.itemId,
          output_index: call.outputIndex,
          arguments: call.arguments,
        }),
        this.emit("response.output_item.done", {
          output_index: call.outputIndex,
          item: functionCallItem(call.itemId, call.callId, call.name, call.arguments, "completed"),
        }),
      );
    }
    const response = responseOfCompletion(completion);
    parts.push(
      this.emit(response.status === "incomplete" ? "response.incomplete" : "response.completed", {
        response,
      }),
    );
    return concat(parts);
  }

  error(message: string, code: string): Uint8Array {
    return this.emit("error", { code, message, param: null });
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const size = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const result = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.byteLength;
  }
  return result;
}

/** The Responses API format of the answer pipeline. */
export const responsesFormat: AnswerFormat = {
  json: (body) => JSON.stringify(responseOfCompletion(JSON.parse(body) as ChatCompletion)),
  encoder: () => new ResponsesStreamEncoder(),
};
