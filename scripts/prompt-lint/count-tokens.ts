// Token counts with a real tokenizer for the model family a prompt targets.
//
// OpenAI: gpt-tokenizer's encoding for the model: cl100k_base where its model table says so
// (GPT-4, GPT-4 Turbo, GPT-3.5, the embedding models), o200k_base for every other model (GPT-4o,
// GPT-4.1, GPT-5, the o-series), exact for the text.
// Anthropic and Google publish no offline tokenizer for current models (Claude 3 and later,
// Gemini): their exact counts come from an API call (Anthropic's /v1/messages/count_tokens,
// Gemini's countTokens), which a lint that runs without keys cannot make. Their prompts are
// counted with o200k_base and the count raised by a margin, since those tokenizers usually split
// English text into more tokens than o200k_base does: a prompt that passes here should pass
// there. The result says it is an estimate.
import { createRequire } from "node:module";
import type * as Cl100kBase from "gpt-tokenizer/cjs/encoding/cl100k_base";
import type * as Mapping from "gpt-tokenizer/cjs/mapping";
import type * as O200kBase from "gpt-tokenizer/cjs/encoding/o200k_base";

// Node's own require: gpt-tokenizer exports its per-encoding modules as CommonJS under cjs/ (the
// only paths the repository's node10 module resolution types), which Vite's ESM loader in vitest
// would refuse.
const load = createRequire(__filename);
const { countTokens: countCl100k } = load(
  "gpt-tokenizer/cjs/encoding/cl100k_base",
) as typeof Cl100kBase;
const { countTokens: countO200k } = load(
  "gpt-tokenizer/cjs/encoding/o200k_base",
) as typeof O200kBase;
const { modelToEncodingMap } = load("gpt-tokenizer/cjs/mapping") as typeof Mapping;

/** The families the lint knows, by model name prefix. */
export type ModelFamily = "openai" | "anthropic" | "google";

/** How a prompt's tokens were counted. */
export interface TokenCount {
  /** The number of tokens (an estimate when `exact` is false). */
  tokens: number;
  /** The tokenizer used. @example "o200k_base" */
  tokenizer: string;
  /** False when the model's own tokenizer is not available offline. */
  exact: boolean;
}

/** The margin added to o200k_base counts of models whose tokenizer is not available offline. */
export const estimateMargin = 1.2;

/** The family of `model`, by its name. Unknown names are counted as OpenAI models. */
export function modelFamily(model: string): ModelFamily {
  if (/^claude/i.test(model)) return "anthropic";
  if (/^gemini/i.test(model)) return "google";
  return "openai";
}

/** Whether gpt-tokenizer's model table counts `model` with cl100k_base. */
function usesCl100k(model: string): boolean {
  return (modelToEncodingMap as Record<string, string | undefined>)[model] === "cl100k_base";
}

/** Counts the tokens of `text` as `model` would see them. */
export function countPromptTokens(model: string, text: string): TokenCount {
  const family = modelFamily(model);
  if (family === "openai") {
    return usesCl100k(model)
      ? { tokens: countCl100k(text), tokenizer: "cl100k_base", exact: true }
      : { tokens: countO200k(text), tokenizer: "o200k_base", exact: true };
  }
  return {
    tokens: Math.ceil(countO200k(text) * estimateMargin),
    tokenizer: `o200k_base x ${estimateMargin} (estimate for ${family})`,
    exact: false,
  };
}
