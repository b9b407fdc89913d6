import type { ProviderSimulator } from "../../scripts/provider-simulator/index";

/** Provider keys the tests give the gateway; redaction tests look for them in its output. */
export const testProviderKeys = {
  openai: "sk-proj-TESTopenaiKEY0123456789abcdefABCDEF",
  anthropic: "sk-ant-api03-TESTanthropicKEY0123456789abcdefABCDEF",
} as const;

/** Model names used in the test tiers. Prices come from the gateway's built-in table. */
export const testModels = {
  anthropicDefault: "claude-haiku-4-5",
  openaiDefault: "gpt-4o-mini",
  anthropicSmart: "claude-sonnet-4-5",
  openaiSmart: "gpt-4.1",
  embedding: "text-embedding-3-small",
} as const;

/**
 * Tiers used by every gateway test: `default` tries Anthropic then OpenAI, `smart` is expensive,
 * `openai-first` reverses the order, `embedding` is OpenAI only.
 */
export const testRoutes = {
  default: [
    { provider: "anthropic", model: testModels.anthropicDefault },
    { provider: "openai", model: testModels.openaiDefault },
  ],
  "openai-first": [
    { provider: "openai", model: testModels.openaiDefault },
    { provider: "anthropic", model: testModels.anthropicDefault },
  ],
  smart: {
    expensive: true,
    candidates: [
      { provider: "anthropic", model: testModels.anthropicSmart },
      { provider: "openai", model: testModels.openaiSmart },
    ],
  },
  embedding: [{ provider: "openai", model: testModels.embedding }],
};

/**
 * The environment of a gateway in front of `simulator`, with short timeouts so that fault tests
 * finish quickly, and a breaker threshold high enough not to open unless a test wants it to.
 * `overrides` win; a value of "" removes a variable.
 */
export function gatewayEnv(
  simulator: Pick<ProviderSimulator, "openaiBaseUrl" | "anthropicBaseUrl">,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const environment: Record<string, string> = {
    OPENAI_API_KEY: testProviderKeys.openai,
    OPENAI_BASE_URL: simulator.openaiBaseUrl,
    ANTHROPIC_API_KEY: testProviderKeys.anthropic,
    ANTHROPIC_BASE_URL: simulator.anthropicBaseUrl,
    LLM_ROUTES: JSON.stringify(testRoutes),
    LLM_ATTEMPT_TIMEOUT_MS: "1000",
    LLM_REQUEST_DEADLINE_MS: "8000",
    LLM_MAX_RETRIES: "1",
    LLM_RETRY_BASE_MS: "10",
    LLM_RETRY_AFTER_CAP_MS: "3000",
    LLM_BREAKER_THRESHOLD: "1000",
    LLM_BREAKER_HALF_OPEN_AFTER_MS: "60000",
    LLM_STORE_TIMEOUT_MS: "200",
    ...overrides,
  };
  for (const [name, value] of Object.entries(environment))
    if (value === "") delete environment[name];
  return environment;
}
