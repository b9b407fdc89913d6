// The template syntax of multi-step jobs: `{{steps.N.output}}` in a message's text stands for the
// text of step N's answer (its first choice's message content). A step may only quote steps
// before it, so a job's steps run in order and each template is filled when its step is claimed.
import type { ChatStepRequest } from "./job-types.ts";

const templatePattern = /\{\{\s*steps\.(\d+)\.output\s*\}\}/g;

/** Applies `transform` to every string in messages (content strings and content-part texts). */
function mapMessageText(
  messages: Array<Record<string, unknown>>,
  transform: (text: string) => string,
): Array<Record<string, unknown>> {
  return messages.map((message) => {
    const content = message.content;
    if (typeof content === "string") return { ...message, content: transform(content) };
    if (Array.isArray(content)) {
      return {
        ...message,
        content: content.map((part: unknown) =>
          typeof part === "object" &&
          part !== null &&
          typeof (part as { text?: unknown }).text === "string"
            ? { ...part, text: transform((part as { text: string }).text) }
            : part,
        ),
      };
    }
    return message;
  });
}

/**
 * The step indexes a request quotes, in order of appearance.
 * @example templateReferences({ model: "m", messages: [{ role: "user", content: "{{steps.1.output}}" }] }) // [1]
 */
export function templateReferences(request: ChatStepRequest): number[] {
  const found: number[] = [];
  mapMessageText(request.messages, (text) => {
    for (const match of text.matchAll(templatePattern)) found.push(Number(match[1]));
    return text;
  });
  return found;
}

/**
 * The text a template stands for: the first choice's message content of a chat completion, or
 * the output's JSON when it has none.
 */
export function outputText(output: unknown): string {
  const content = (output as { choices?: Array<{ message?: { content?: unknown } }> } | null)
    ?.choices?.[0]?.message?.content;
  if (typeof content === "string") return content;
  return JSON.stringify(output ?? null);
}

/**
 * Fills every `{{steps.N.output}}` with the text of step N's output.
 * @param request - the step as submitted.
 * @param outputs - earlier steps' outputs by index.
 * @throws Error when a quoted step has no output (the store only claims a step after its
 *   predecessors succeeded, so this means a broken job).
 */
export function renderStepRequest(
  request: ChatStepRequest,
  outputs: ReadonlyMap<number, unknown>,
): ChatStepRequest {
  const messages = mapMessageText(request.messages, (text) =>
    text.replace(templatePattern, (_match, index: string) => {
      const position = Number(index);
      if (!outputs.has(position)) throw new Error(`step ${position} has no output to quote`);
      return outputText(outputs.get(position));
    }),
  );
  return { ...request, messages };
}
