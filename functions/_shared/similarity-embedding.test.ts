import { describe, expect, it } from "vitest";
import { contentWords, cosineDistance, similarityEmbedding } from "./similarity-embedding.ts";

const threshold = 0.12;

describe("similarityEmbedding", () => {
  it("has 1536 dimensions by default, the cache column's size", () => {
    expect(similarityEmbedding("hello")).toHaveLength(1536);
  });

  it("has the requested number of dimensions", () => {
    expect(similarityEmbedding("hello", { dimensions: 64 })).toHaveLength(64);
  });

  it("is a unit vector", () => {
    const embedding = similarityEmbedding("Summarize my journal entry");

    expect(Math.hypot(...embedding)).toBeCloseTo(1, 12);
  });

  it("is the same vector for the same text", () => {
    expect(similarityEmbedding("a stable text")).toEqual(similarityEmbedding("a stable text"));
  });

  it("is never the zero vector, even for an empty text", () => {
    expect(Math.hypot(...similarityEmbedding(""))).toBeCloseTo(1, 12);
  });

  it.each([
    ["How do I reset my password?", "how can I reset my password"],
    ["What is the capital of France?", "what's the capital of france"],
    [
      "Summarize this journal entry about my stressful day at work",
      "Please summarize this journal entry about my stressful work day",
    ],
    [
      "Explain the difference between a mutex and a semaphore",
      "What's the difference between a semaphore and a mutex? Explain.",
    ],
    ["Tips for sleeping better", "tips for better sleep"],
  ])("puts the paraphrases %j and %j within 0.12", (left, right) => {
    expect(
      cosineDistance(similarityEmbedding(left), similarityEmbedding(right)),
    ).toBeLessThanOrEqual(threshold);
  });

  it.each([
    ["How do I reset my password?", "Recommend a recipe for vegetarian lasagna"],
    ["What is the capital of France?", "What is the capital of Germany?"],
    [
      "Summarize this journal entry about my stressful day",
      "Write a poem about the ocean at night",
    ],
  ])("puts the different questions %j and %j beyond 0.12", (left, right) => {
    expect(cosineDistance(similarityEmbedding(left), similarityEmbedding(right))).toBeGreaterThan(
      threshold,
    );
  });

  it("refuses a dimension count that is not a positive integer", () => {
    expect(() => similarityEmbedding("x", { dimensions: 0 })).toThrow(
      "dimensions must be a positive integer, got 0",
    );
  });
});

describe("contentWords", () => {
  it("drops case, punctuation and function words, and stems endings", () => {
    expect(contentWords("How do I keep RESETTING my passwords?!")).toEqual([
      "keep",
      "reset",
      "password",
    ]);
  });

  it("keeps the words of a text made of function words only", () => {
    expect(contentWords("How are you?")).toEqual(["how", "are", "you"]);
  });
});

describe("cosineDistance", () => {
  it("is 0 for one direction and 2 for the opposite one", () => {
    expect([cosineDistance([1, 2], [2, 4]), cosineDistance([1, 0], [-1, 0])]).toEqual([0, 2]);
  });

  it("refuses vectors of different lengths", () => {
    expect(() => cosineDistance([1], [1, 2])).toThrow(
      "vectors of 1 and 2 dimensions cannot be compared",
    );
  });
});
