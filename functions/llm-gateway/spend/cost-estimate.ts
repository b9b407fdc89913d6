import type { ChatCompletionRequest, EmbeddingRequest } from "../openai-types.ts";
import { computeCost, type PriceTable } from "./prices.ts";

/** Rough characters per token for the pre-call estimate; erring high keeps the cap safe. */
const charactersPerToken = 3;

function characters(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + characters(item), 0);
  if (typeof value === "object" && value !== null) {
    let sum = 0;
    for (const key in value) sum += characters((value as Record<string, unknown>)[key]);
    return sum;
  }
  return 0;
}

/** Estimated input tokens of a chat request (message and tool text). */
export function estimateInputTokens(request: ChatCompletionRequest): number {
  return Math.ceil((characters(request.messages) + characters(request.tools)) / charactersPerToken);
}

/**
 * The amount a chat request reserves against the daily cap: estimated input plus the full output
 * allowance (`max_completion_tokens`, `max_tokens`, or `defaultMaxTokens`) times `n`.
 */
export function estimateChatCost(
  prices: PriceTable,
  model: string,
  request: ChatCompletionRequest,
  defaultMaxTokens: number,
): number {
  const output =
    (request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens) * (request.n ?? 1);
  return computeCost(prices, model, estimateInputTokens(request), output);
}

/** The amount an embeddings request reserves (input only). */
export function estimateEmbeddingCost(
  prices: PriceTable,
  model: string,
  request: EmbeddingRequest,
): number {
  const input = request.input;
  const tokens =
    typeof input === "string"
      ? Math.ceil(input.length / charactersPerToken)
      : (input as unknown[]).reduce<number>(
          (sum, item) =>
            sum +
            (typeof item === "string"
              ? Math.ceil(item.length / charactersPerToken)
              : Array.isArray(item)
                ? item.length
                : 1),
          0,
        );
  return computeCost(prices, model, tokens, 0);
}
