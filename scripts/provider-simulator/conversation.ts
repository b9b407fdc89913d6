/** One message reduced to its role and plain text, for fingerprints and token counts. */
export interface PlainMessage {
  /** `system`, `user`, `assistant`, `tool`, ... */
  role: string;
  /** The text parts of the content, joined. */
  text: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Joins the text of a string content or of an array of `{ type: "text", text }` parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/** Reads `[{ role, content }]`, or returns `undefined` when the value is not such an array. */
export function plainMessages(value: unknown): PlainMessage[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const messages: PlainMessage[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.role !== "string") return undefined;
    messages.push({ role: item.role, text: contentText(item.content) });
  }
  return messages;
}

/**
 * The input the answer is derived from. System text first, so that the same conversation sent to
 * OpenAI (system message) or Anthropic (`system` field) gets the same answer.
 */
export function conversationFingerprint(messages: PlainMessage[]): string {
  const system = messages.filter(
    (message) => message.role === "system" || message.role === "developer",
  );
  const rest = messages.filter(
    (message) => message.role !== "system" && message.role !== "developer",
  );
  return [...system, ...rest]
    .map((message) => `${message.role === "developer" ? "system" : message.role}:${message.text}`)
    .join("\n");
}

export { isRecord };
