/** A chat message in OpenAI's format. */
export interface ChatMessage {
  /** `system`, `user` or `assistant`. */
  role: string;
  /** The text. */
  content: string;
}

/** Options of {@link postJson}. */
export interface PostOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Abort signal. @default a 20 s timeout */
  signal?: AbortSignal;
}

/** POSTs `body` as JSON to `${baseUrl}${path}`. */
export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal ?? AbortSignal.timeout(20_000),
  });
}

/** POSTs a chat completion request to the gateway. */
export function postChat(
  baseUrl: string,
  body: unknown,
  options: PostOptions = {},
): Promise<Response> {
  return postJson(baseUrl, "/v1/chat/completions", body, options);
}

/** The parts of a chat completion the tests read. */
export interface ChatCompletionBody {
  /** Choices; tests use the first. */
  choices: { message: { content: string | null }; finish_reason: string | null }[];
  /** Token usage. */
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Model that answered. */
  model: string;
}

/** A user message, typed narrowly enough for the `openai` SDK's message union. */
export interface UserMessage {
  /** Always `user`. */
  role: "user";
  /** The text. */
  content: string;
}

/** A user message unique to this call site and run, so that tests never share cache entries. */
export function uniqueMessages(label: string): UserMessage[] {
  return [
    {
      role: "user",
      content: `${label} #${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    },
  ];
}

/** The OpenAI error body shape. */
export interface OpenAiErrorBody {
  /** The error. */
  error: { message: string; type: string; code: string | null; param?: string | null };
}
