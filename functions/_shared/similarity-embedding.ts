// Embeddings that preserve similarity without a model, for the provider simulator and tests: a
// text becomes a vector of hashed features (content words, their character trigrams and adjacent
// word pairs), L2-normalised, so texts that share their content words lie close by cosine distance
// and unrelated texts lie far apart. Deterministic and pure: the same text gives the same vector in
// Deno, Node and every process.

/** Options of {@link similarityEmbedding}. */
export interface SimilarityEmbeddingOptions {
  /**
   * Length of the vector. The default matches OpenAI text-embedding-3-small and the
   * `entry_semantic_cache.embedding` column.
   * @default 1536
   */
  dimensions?: number;
}

/** Words that carry little meaning: asking "how can I" or "how do I" is the same question. */
const functionWords = new Set(
  (
    "a about above after again all also am an and any are as at be been being but by can could " +
    "did do does doing done for from had has have having he her here hers him his how i if in " +
    "into is it its just kindly me might more most must my myself no nor not now of off on once " +
    "only or other our ours out over own please same shall she should so some such tell than that " +
    "the their theirs them then there these they this those through to too under until up us very " +
    "was we were what when where which while who whom why will with would you your yours"
  ).split(" "),
);

const weights = { word: 1, trigram: 0.35, pair: 0.4 };

/** 32-bit FNV-1a of a string, seeded so one feature gives independent index and sign hashes. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A crude stem, so "resetting", "resets" and "reset" share their word feature. */
function stem(word: string): string {
  for (const suffix of ["ing", "ed", "es", "s"]) {
    if (word.length > suffix.length + 3 && word.endsWith(suffix)) {
      const base = word.slice(0, -suffix.length);
      // "resetting" -> "resett" -> "reset": undo the doubled final consonant.
      return base.length > 3 && base.at(-1) === base.at(-2) ? base.slice(0, -1) : base;
    }
  }
  return word;
}

/** The content words of a text: lower-cased, accents and punctuation removed, stemmed. */
export function contentWords(text: string): string[] {
  const words = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 || /\p{N}/u.test(word));
  const content = words.filter((word) => !functionWords.has(word));
  // A text of function words only ("how are you") is still a text: keep what it has.
  return (content.length > 0 ? content : words).map(stem);
}

/**
 * A unit vector standing for the meaning of `text`, as far as its words show it. Paraphrases that
 * change case, punctuation, function words, word order or word endings stay within a cosine
 * distance of 0.12; texts without content words in common are about 1 apart. Never the zero
 * vector (pgvector's cosine distance is undefined for it).
 * @param text - any text.
 * @param options - see {@link SimilarityEmbeddingOptions}.
 * @example similarityEmbedding("How do I reset my password?") // 1536 numbers, length 1
 */
export function similarityEmbedding(
  text: string,
  options: SimilarityEmbeddingOptions = {},
): number[] {
  const dimensions = options.dimensions ?? 1536;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new Error(`dimensions must be a positive integer, got ${dimensions}`);
  }
  const vector = new Array<number>(dimensions).fill(0);
  const add = (feature: string, weight: number): void => {
    const index = fnv1a(feature, 0) % dimensions;
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    vector[index] += sign * weight;
  };
  const words = contentWords(text);
  for (const word of words) {
    add(`w:${word}`, weights.word);
    const padded = ` ${word} `;
    for (let index = 0; index + 3 <= padded.length; index += 1) {
      add(`c:${padded.slice(index, index + 3)}`, weights.trigram);
    }
  }
  // Unordered pairs of neighbours: some word order, without penalising "work day" vs "day at work".
  for (let index = 0; index + 1 < words.length; index += 1) {
    const pair = [words[index], words[index + 1]].sort().join(" ");
    add(`p:${pair}`, weights.pair);
  }
  let norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    norm = 1;
  }
  return vector.map((value) => value / norm);
}

/**
 * Cosine distance (1 - cosine similarity) of two vectors of one length, as pgvector's `<=>`.
 * @param left - a vector.
 * @param right - another vector.
 */
export function cosineDistance(left: readonly number[], right: readonly number[]): number {
  if (left.length !== right.length) {
    throw new Error(`vectors of ${left.length} and ${right.length} dimensions cannot be compared`);
  }
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    dot += left[index] * right[index];
    leftNorm += left[index] * left[index];
    rightNorm += right[index] * right[index];
  }
  return 1 - dot / Math.sqrt(leftNorm * rightNorm);
}
