// The front matter of a prompt file: which model family the prompt targets and its token limit.
import { parse } from "yaml";

/** The default per-file limit, from the seeds: a prompt over 2k tokens fails CI. */
export const defaultMaxTokens = 2000;

/** What a prompt file declares about itself. */
export interface PromptSettings {
  /**
   * The model the prompt is written for; picks the tokenizer (see count-tokens.ts).
   * @default "gpt-4o" (counted with o200k_base)
   * @example "claude-sonnet-4-5"
   */
  model: string;
  /**
   * The most tokens the prompt may count, front matter excluded.
   * @default 2000
   * @example 3000
   */
  maxTokens: number;
}

/** A prompt file split into its settings and the text sent to the model. */
export interface ParsedPrompt {
  /** The settings, defaults filled in. */
  settings: PromptSettings;
  /** The prompt text: everything after the front matter. */
  body: string;
}

/** The model assumed when the front matter names none. */
export const defaultModel = "gpt-4o";

const frontMatterPattern = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Splits `text` into front matter (a YAML block between `---` lines at the very start; optional)
 * and body. Throws with the file and key for a value it cannot use.
 */
export function parsePrompt(file: string, text: string): ParsedPrompt {
  const match = frontMatterPattern.exec(text);
  if (match === null) {
    return { settings: { model: defaultModel, maxTokens: defaultMaxTokens }, body: text };
  }
  const document: unknown = parse(match[1] ?? "");
  const values = (document ?? {}) as Record<string, unknown>;
  if (typeof values !== "object" || Array.isArray(values)) {
    throw new Error(`${file}: front matter must be a YAML mapping`);
  }
  const known = ["model", "max-tokens"];
  const unknownKeys = Object.keys(values).filter((key) => !known.includes(key));
  if (unknownKeys.length > 0) {
    throw new Error(
      `${file}: front matter key ${unknownKeys[0]} is not known (known: ${known.join(", ")})`,
    );
  }
  const model = values["model"] ?? defaultModel;
  if (typeof model !== "string" || model.trim() === "") {
    throw new Error(
      `${file}: front matter model must be a model name, got ${JSON.stringify(model)}`,
    );
  }
  const maxTokens = values["max-tokens"] ?? defaultMaxTokens;
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new Error(
      `${file}: front matter max-tokens must be a positive integer, got ${JSON.stringify(maxTokens)}`,
    );
  }
  return { settings: { model, maxTokens }, body: text.slice(match[0].length) };
}
