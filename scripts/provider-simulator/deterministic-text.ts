import { createHash, randomBytes } from "node:crypto";

// A fixed vocabulary keeps answers readable and their token count exact (one word, one token).
const vocabulary = [
  "the",
  "gateway",
  "answers",
  "every",
  "request",
  "quickly",
  "and",
  "keeps",
  "costs",
  "low",
  "while",
  "providers",
  "recover",
  "from",
  "errors",
  "so",
  "users",
  "see",
  "steady",
  "results",
  "with",
  "cached",
  "replies",
  "for",
  "repeated",
  "questions",
  "about",
  "routing",
  "budgets",
  "metrics",
  "traces",
  "logs",
] as const;

/** SHA-256 of `text`, as bytes. */
export function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Rough token count in the style of BPE tokenizers: about four characters per token, at least one
 * per non-empty text.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The words of the deterministic answer for an input fingerprint (12 to 27 words). */
export function answerWords(fingerprint: string): string[] {
  const bytes = digest(fingerprint);
  const count = 12 + ((bytes[0] ?? 0) % 16);
  const words: string[] = [`Simulated-${bytes.subarray(0, 4).toString("hex")}:`];
  for (let index = 1; index < count; index += 1) {
    words.push(vocabulary[(bytes[index % bytes.length] ?? 0) % vocabulary.length] ?? "the");
  }
  return words;
}

/**
 * Cuts the answer at `maxTokens` words when given, and tells whether it was cut.
 */
export function limitWords(
  words: string[],
  maxTokens: number | undefined,
): { words: string[]; truncated: boolean } {
  if (maxTokens === undefined || maxTokens >= words.length) return { words, truncated: false };
  return { words: words.slice(0, Math.max(1, maxTokens)), truncated: true };
}

/** Splits the answer into streamed deltas: the first word, then each following word with its space. */
export function textDeltas(words: string[]): string[] {
  return words.map((word, index) => (index === 0 ? word : ` ${word}`));
}

/**
 * A deterministic unit vector for `text`: a small PRNG (mulberry32) seeded from its SHA-256, so
 * that equal inputs give equal embeddings and different inputs differ.
 */
export function embeddingVector(text: string, dimensions: number): number[] {
  let state = digest(text).readUInt32LE(0);
  const values: number[] = new Array<number>(dimensions);
  let sumOfSquares = 0;
  for (let index = 0; index < dimensions; index += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    const value = ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296 - 0.5;
    values[index] = value;
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares) || 1;
  // Rounded like OpenAI's JSON floats, after normalising to unit length.
  return values.map((value) => Math.fround(value / norm));
}

/** Float32 little-endian bytes in base64, OpenAI's `encoding_format: "base64"`. */
export function vectorToBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

/** A fresh random identifier suffix, like the ones providers put in `id` fields. */
export function randomIdentifier(length = 24): string {
  return randomBytes(length).toString("base64url").replace(/[-_]/g, "x").slice(0, length);
}
