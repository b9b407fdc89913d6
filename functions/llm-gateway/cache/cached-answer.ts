/** A cached answer as stored: who produced it and the response body exactly as it was sent. */
export interface StoredAnswer {
  /** Provider that answered. */
  provider: string;
  /** Upstream model id (the configured candidate). */
  model: string;
  /** The JSON body text. */
  body: string;
}

/**
 * `provider\nmodel\nbody`: a cache hit can send the stored body text as is, with no JSON parse and
 * re-serialisation on the hot path (provider and model names never contain a newline).
 */
export function encodeStoredAnswer(answer: StoredAnswer): string {
  return `${answer.provider}\n${answer.model}\n${answer.body}`;
}

/** The inverse of {@link encodeStoredAnswer}; undefined for anything else (e.g. an older format). */
export function decodeStoredAnswer(text: string): StoredAnswer | undefined {
  const first = text.indexOf("\n");
  const second = first === -1 ? -1 : text.indexOf("\n", first + 1);
  if (second === -1) return undefined;
  const body = text.slice(second + 1);
  if (!body.startsWith("{")) return undefined;
  return { provider: text.slice(0, first), model: text.slice(first + 1, second), body };
}
