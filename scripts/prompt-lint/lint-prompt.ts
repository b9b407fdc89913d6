// One prompt file against its limit.
import { countPromptTokens, type TokenCount } from "./count-tokens";
import { parsePrompt } from "./front-matter";

/** The verdict on one prompt file. */
export interface PromptLintResult {
  /** The file, as given. */
  file: string;
  /** The model the prompt targets. */
  model: string;
  /** Its token count. */
  count: TokenCount;
  /** Its limit (`max-tokens`, or the default). */
  maxTokens: number;
  /** Whether the count is within the limit. */
  ok: boolean;
}

/** Lints the text of `file`. Throws for front matter it cannot use. */
export function lintPrompt(file: string, text: string): PromptLintResult {
  const { settings, body } = parsePrompt(file, text);
  const count = countPromptTokens(settings.model, body);
  return {
    file,
    model: settings.model,
    count,
    maxTokens: settings.maxTokens,
    ok: count.tokens <= settings.maxTokens,
  };
}

/** One line for `result`: the file, its count and its limit. */
export function describeResult(result: PromptLintResult): string {
  const approximately = result.count.exact ? "" : "~";
  const verdict = result.ok ? "ok" : "over the limit";
  return `${result.file}: ${approximately}${result.count.tokens} tokens (${result.count.tokenizer}, ${result.model}), limit ${result.maxTokens}: ${verdict}`;
}
