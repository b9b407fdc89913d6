import type {
  ChatCompletion,
  ChatCompletionChunk,
  CompletionChoice,
  ToolCall,
  Usage,
} from "../openai-types.ts";

interface ChoiceBuilder {
  content: string;
  sawContent: boolean;
  refusal: string | null;
  toolCalls: ToolCall[];
  finishReason: string | null;
}

/**
 * Accumulates streamed chunks into the `chat.completion` they add up to, so a streamed answer can
 * be cached and later replayed as JSON or SSE.
 */
export class CompletionAssembler {
  private id = "";
  private model = "";
  private created = 0;
  private systemFingerprint: string | null | undefined;
  private readonly choices = new Map<number, ChoiceBuilder>();
  /** The usage of the final usage-only chunk, when the stream had one. */
  usage: Usage | undefined;

  /** Adds one chunk. */
  add(chunk: ChatCompletionChunk): void {
    this.id ||= chunk.id;
    this.model ||= chunk.model;
    this.created ||= chunk.created;
    if (chunk.system_fingerprint !== undefined) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      let builder = this.choices.get(choice.index);
      if (!builder) {
        builder = {
          content: "",
          sawContent: false,
          refusal: null,
          toolCalls: [],
          finishReason: null,
        };
        this.choices.set(choice.index, builder);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.content === "string") {
        builder.content += delta.content;
        builder.sawContent = true;
      }
      if (typeof delta.refusal === "string")
        builder.refusal = (builder.refusal ?? "") + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const existing = builder.toolCalls[call.index];
        if (existing) {
          existing.function.arguments += call.function?.arguments ?? "";
          if (call.id) existing.id = call.id;
          if (call.function?.name) existing.function.name = call.function.name;
        } else {
          builder.toolCalls[call.index] = {
            id: call.id ?? "",
            type: "function",
            function: {
              name: call.function?.name ?? "",
              arguments: call.function?.arguments ?? "",
            },
          };
        }
      }
      if (choice.finish_reason) builder.finishReason = choice.finish_reason;
    }
  }

  /** The assembled completion. */
  completion(): ChatCompletion {
    const choices: CompletionChoice[] = [...this.choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, builder]) => {
        const toolCalls = builder.toolCalls.filter((call) => call !== undefined);
        return {
          index,
          message: {
            role: "assistant",
            content:
              builder.sawContent && (builder.content !== "" || toolCalls.length === 0)
                ? builder.content
                : toolCalls.length > 0
                  ? null
                  : builder.content,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            ...(builder.refusal !== null ? { refusal: builder.refusal } : {}),
          },
          finish_reason: builder.finishReason,
        };
      });
    return {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.systemFingerprint !== undefined
        ? { system_fingerprint: this.systemFingerprint }
        : {}),
    };
  }
}

/**
 * The completion that streamed chunks (JSON texts, as a pass-through stream kept them) add up to,
 * assembled once at the end of the stream: one `JSON.parse` for all the chunks instead of one per
 * chunk while it streams.
 * @throws SyntaxError when a chunk is not JSON.
 */
export function assembleCompletion(
  chunks: readonly string[],
  usage: Usage | undefined,
): ChatCompletion {
  const assembler = new CompletionAssembler();
  const parsed = JSON.parse(`[${chunks.join(",")}]`) as ChatCompletionChunk[];
  for (const chunk of parsed) assembler.add(chunk);
  if (usage) assembler.usage = usage;
  return assembler.completion();
}

/**
 * Replays a completion as the chunks a stream would have carried: a role chunk, one content (or
 * tool call) chunk, a finish chunk per choice, then the usage chunk when `includeUsage`.
 */
export function chunksFromCompletion(
  completion: ChatCompletion,
  includeUsage: boolean,
): ChatCompletionChunk[] {
  const base = {
    id: completion.id,
    object: "chat.completion.chunk" as const,
    created: completion.created,
    model: completion.model,
  };
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    chunks.push({
      ...base,
      choices: [
        { index: choice.index, delta: { role: "assistant", content: "" }, finish_reason: null },
      ],
    });
    if (choice.message.content) {
      chunks.push({
        ...base,
        choices: [
          { index: choice.index, delta: { content: choice.message.content }, finish_reason: null },
        ],
      });
    }
    if (choice.message.tool_calls && choice.message.tool_calls.length > 0) {
      chunks.push({
        ...base,
        choices: [
          {
            index: choice.index,
            delta: {
              tool_calls: choice.message.tool_calls.map((call, index) => ({
                index,
                id: call.id,
                type: "function" as const,
                function: { name: call.function.name, arguments: call.function.arguments },
              })),
            },
            finish_reason: null,
          },
        ],
      });
    }
    chunks.push({
      ...base,
      choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason ?? "stop" }],
    });
  }
  if (includeUsage && completion.usage)
    chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
