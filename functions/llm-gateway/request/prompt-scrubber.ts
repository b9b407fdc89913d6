/** What replaces prompt text quoted back in a provider's error message. */
export const promptMarker = "[prompt]";

/** Shortest run of characters shared with the prompt that counts as a quote of it. */
const shortestQuote = 12;

/**
 * Builds a function that removes from a text (a provider's error message, already cut to a few
 * hundred characters) every run of {@link shortestQuote} or more characters that also occurs in the
 * prompt: providers quote the request back in their errors, and prompts must never reach logs or
 * other clients.
 * @example createPromptScrubber(["my secret diary entry"])("bad input: my secret diary entry") === "bad input: [prompt]"
 */
export function createPromptScrubber(prompts: readonly string[]): (text: string) => string {
  const haystack = prompts.filter((prompt) => prompt.length >= shortestQuote).join("\u0000");
  if (haystack === "") return (text) => text;
  return (text: string): string => {
    let result = "";
    let index = 0;
    while (index < text.length) {
      let length = 0;
      if (haystack.includes(text.slice(index, index + shortestQuote))) {
        length = shortestQuote;
        while (
          index + length < text.length &&
          haystack.includes(text.slice(index, index + length + 1))
        )
          length += 1;
      }
      if (length >= shortestQuote && index + length <= text.length) {
        result += promptMarker;
        index += length;
      } else {
        result += text[index];
        index += 1;
      }
    }
    return result;
  };
}

/** The text of every message of a chat request (string contents and text parts). */
export function promptTexts(messages: readonly { content?: unknown }[]): string[] {
  const texts: string[] = [];
  for (const message of messages) {
    const content = message.content;
    if (typeof content === "string") texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content as { text?: unknown }[])
        if (typeof part?.text === "string") texts.push(part.text);
    }
  }
  return texts;
}
