/** The OpenAI Chat Completions and Embeddings wire shapes the gateway reads and writes. */

/** A tool call requested by the assistant. */
export interface ToolCall {
  /** Call id, echoed back by the `tool` message that answers it. */
  id: string;
  /** Always "function". */
  type: "function";
  /** Function name and JSON-encoded arguments. */
  function: { name: string; arguments: string };
}

/** One content part of a multi-part message. */
export interface ContentPart {
  /** "text", "image_url", ... */
  type: string;
  /** Present on text parts. */
  text?: string;
  /** Present on image parts. */
  image_url?: { url: string; detail?: string };
}

/** A chat message as sent by the client. */
export interface ChatMessage {
  /** Who wrote it. */
  role: "system" | "developer" | "user" | "assistant" | "tool";
  /** Text, parts, or null for an assistant message that only calls tools. */
  content?: string | ContentPart[] | null;
  /** Optional participant name. */
  name?: string;
  /** Tool calls of an assistant message. */
  tool_calls?: ToolCall[];
  /** On `tool` messages: the call being answered. */
  tool_call_id?: string;
}

/** A validated `POST /v1/chat/completions` body (unknown members are kept and passed to OpenAI). */
export interface ChatCompletionRequest {
  /** `tier:NAME` or a concrete model. */
  model: string;
  /** The conversation. */
  messages: ChatMessage[];
  /** Sampling temperature (0-2). */
  temperature?: number;
  /** Nucleus sampling (0-1). */
  top_p?: number;
  /** Output token limit (legacy name). */
  max_tokens?: number;
  /** Output token limit (current name). */
  max_completion_tokens?: number;
  /** Stop sequences. */
  stop?: string | string[];
  /** Number of choices. */
  n?: number;
  /** Seed for deterministic sampling. */
  seed?: number;
  /** SSE streaming. */
  stream?: boolean;
  /** Streaming options. */
  stream_options?: { include_usage?: boolean };
  /** Function tools. */
  tools?: {
    type: "function";
    function: { name: string; description?: string; parameters?: Record<string, unknown> };
  }[];
  /** Tool selection. */
  tool_choice?: string | { type: "function"; function: { name: string } };
  /** Output format. */
  response_format?: Record<string, unknown>;
  /** End-user id; scopes the cache, never sent upstream. */
  user?: string;
  [member: string]: unknown;
}

/** Token usage of a completion or embedding. */
export interface Usage {
  /** Input tokens. */
  prompt_tokens: number;
  /** Output tokens (0 for embeddings). */
  completion_tokens: number;
  /** Sum of both. */
  total_tokens: number;
}

/** One choice of a non-streamed completion. */
export interface CompletionChoice {
  /** Position among `n` choices. */
  index: number;
  /** The answer. */
  message: {
    role: "assistant";
    content: string | null;
    tool_calls?: ToolCall[];
    refusal?: string | null;
  };
  /** Why generation stopped. */
  finish_reason: string | null;
  /** Log probabilities when requested. */
  logprobs?: unknown;
}

/** A `chat.completion` object. */
export interface ChatCompletion {
  /** Completion id. */
  id: string;
  /** Always "chat.completion". */
  object: "chat.completion";
  /** Unix seconds. */
  created: number;
  /** The model that answered. */
  model: string;
  /** The answers. */
  choices: CompletionChoice[];
  /** Token usage. */
  usage?: Usage;
  /** Provider fingerprint. */
  system_fingerprint?: string | null;
}

/** The incremental delta of a streamed choice. */
export interface ChunkDelta {
  /** Set on the first chunk. */
  role?: "assistant";
  /** Text fragment. */
  content?: string | null;
  /** Tool call fragments, keyed by `index`. */
  tool_calls?: {
    index: number;
    id?: string;
    type?: "function";
    function?: { name?: string; arguments?: string };
  }[];
  /** Refusal fragment. */
  refusal?: string | null;
}

/** A `chat.completion.chunk` object. */
export interface ChatCompletionChunk {
  /** Completion id, the same on every chunk. */
  id: string;
  /** Always "chat.completion.chunk". */
  object: "chat.completion.chunk";
  /** Unix seconds. */
  created: number;
  /** The model that answers. */
  model: string;
  /** Choice deltas; empty on the final usage chunk. */
  choices: { index: number; delta: ChunkDelta; finish_reason: string | null; logprobs?: unknown }[];
  /** Only on the final usage chunk. */
  usage?: Usage | null;
  /** Provider fingerprint. */
  system_fingerprint?: string | null;
}

/** A validated `POST /v1/embeddings` body. */
export interface EmbeddingRequest {
  /** `tier:NAME` or a concrete embedding model. */
  model: string;
  /** Text(s) or token arrays to embed. */
  input: string | string[] | number[] | number[][];
  /** Output dimensions (text-embedding-3 models). */
  dimensions?: number;
  /** "float" or "base64". */
  encoding_format?: "float" | "base64";
  /** End-user id; scopes the cache, never sent upstream. */
  user?: string;
}

/** A `list` of embeddings as OpenAI returns it. */
export interface EmbeddingResponse {
  /** Always "list". */
  object: "list";
  /** One entry per input. */
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  /** The model that answered. */
  model: string;
  /** Token usage (no completion tokens). */
  usage: { prompt_tokens: number; total_tokens: number };
}
