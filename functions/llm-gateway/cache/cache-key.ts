import { canonicalSha256Hex } from "../../_shared/sha256-digest.ts";
import type { ChatCompletionRequest, EmbeddingRequest } from "../openai-types.ts";

/** Members that change how an answer is delivered or attributed, not the answer itself. */
const deliveryMembers = new Set(["stream", "stream_options", "user"]);

/**
 * Whether a chat request may be cached (exact and semantic): its `temperature` is at most
 * `maxTemperature` (`LLM_CACHE_MAX_TEMPERATURE`, the seeds' 0.3), or it carries a `seed`. Requests
 * without a temperature sample at the provider's default (1) and are not.
 */
export function isCacheable(request: ChatCompletionRequest, maxTemperature: number): boolean {
  return (
    request.seed !== undefined ||
    (request.temperature !== undefined &&
      request.temperature !== null &&
      request.temperature <= maxTemperature)
  );
}

/**
 * What identifies a chat answer: every request member except delivery ones (`stream`,
 * `stream_options`, `user`). That covers model-or-tier, messages, temperature, top_p, max tokens,
 * tools, tool_choice, response_format, stop, seed and n, and any other member a client sends.
 */
export function chatKeyMaterial(request: ChatCompletionRequest): Record<string, unknown> {
  const material: Record<string, unknown> = {};
  for (const key in request) {
    if (!deliveryMembers.has(key)) material[key] = request[key];
  }
  return material;
}

/** What identifies an embeddings answer. */
export function embeddingKeyMaterial(request: EmbeddingRequest): Record<string, unknown> {
  return {
    model: request.model,
    input: request.input,
    dimensions: request.dimensions,
    encoding_format: request.encoding_format ?? "float",
  };
}

/**
 * The store key: SHA-256 over the scope and the canonical (sorted-key) JSON of the material, so key
 * order in the client's JSON does not matter and prompts never appear in key names. The canonical
 * form is encoded straight to bytes and large ones are hashed by WebCrypto (`sha256-digest.ts`), so
 * a 1 MB prompt costs about 2 ms, not 9.
 * @param kind which cache the key belongs to.
 * @param scope the caller's cache scope (and version), hashed before the material.
 * @param material what identifies the answer ({@link chatKeyMaterial}, {@link embeddingKeyMaterial}).
 */
export async function cacheKey(
  kind: "response" | "embedding",
  scope: string,
  material: unknown,
): Promise<string> {
  return `llm:cache:${kind}:${await canonicalSha256Hex(material, `${scope}\n`)}`;
}
