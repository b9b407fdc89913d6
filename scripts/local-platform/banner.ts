/**
 * The text `npm start` prints once everything is ready: where each service is, how to call the
 * gateway (curl and the `openai` SDK) and what is simulated.
 */
import type { LocalPlatformSettings, StoreKind } from "./settings";
import { providerKeyVariable } from "./settings";

/** The first line of the banner; tests and scripts wait for it. */
export const READY_LINE = "Local platform ready.";

/** What the banner describes. */
export interface BannerInput {
  /** Gateway base URL, without `/v1`. */
  gatewayUrl: string;
  /** Edge-cache Worker base URL. */
  edgeCacheUrl: string;
  /** Simulator base URL, when the simulator runs (some provider has no API key). */
  simulatorUrl?: string;
  /** Definition names seeded into the Worker's KV. */
  definitionNames: string[];
  /** Model (or tier) used in the examples. @example "tier:fast" */
  exampleModel: string;
  /** Whether the gateway requires a bearer key (`GATEWAY_API_KEYS` is set). */
  requiresApiKey: boolean;
  /** Settings the platform was started with. */
  settings: Pick<LocalPlatformSettings, "simulatedProviders" | "realProviders" | "store">;
}

const storeDescriptions: Record<StoreKind, string> = {
  memory:
    "in-memory (set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, to use Redis)",
  redis: "Redis over TCP (REDIS_URL)",
  upstash: "Upstash Redis over REST (UPSTASH_REDIS_REST_URL)",
};

function describeProviders(input: BannerInput): string[] {
  const { simulatedProviders, realProviders } = input.settings;
  return [
    ...simulatedProviders.map(
      (provider) =>
        `  ${provider.padEnd(10)} simulated (set ${providerKeyVariable(provider)} to use the real API)`,
    ),
    ...realProviders.map(
      (provider) => `  ${provider.padEnd(10)} real API (${providerKeyVariable(provider)} is set)`,
    ),
  ];
}

/** Renders the banner as lines of plain text. */
export function renderBanner(input: BannerInput): string {
  const apiKey = input.requiresApiKey ? "$GATEWAY_API_KEY" : "local";
  const body = JSON.stringify({
    model: input.exampleModel,
    messages: [{ role: "user", content: "Say hello in five words." }],
  });
  const firstDefinition = input.definitionNames[0] ?? "<name>";
  const lines = [
    READY_LINE,
    "",
    `  LLM gateway        ${input.gatewayUrl}  (OpenAI-compatible API at ${input.gatewayUrl}/v1)`,
    `  edge-cache Worker  ${input.edgeCacheUrl}  (GET /definitions/<name>)`,
    ...(input.simulatorUrl === undefined ? [] : [`  provider simulator ${input.simulatorUrl}`]),
    "",
    "Providers:",
    ...describeProviders(input),
    `Store: ${storeDescriptions[input.settings.store]}`,
    `Definitions: ${input.definitionNames.join(", ")}`,
    "",
    "Chat completion with curl:",
    `  curl -s ${input.gatewayUrl}/v1/chat/completions \\`,
    "    -H 'Content-Type: application/json' \\",
    ...(input.requiresApiKey ? [`    -H "Authorization: Bearer $GATEWAY_API_KEY" \\`] : []),
    `    -d '${body}'`,
    "",
    "A definition through the edge cache:",
    `  curl -si ${input.edgeCacheUrl}/definitions/${firstDefinition}`,
    "",
    "With the openai SDK (npm install openai):",
    '  import OpenAI from "openai";',
    `  const client = new OpenAI({ baseURL: "${input.gatewayUrl}/v1", apiKey: ${input.requiresApiKey ? "process.env.GATEWAY_API_KEY" : `"${apiKey}"`} });`,
    "  const completion = await client.chat.completions.create({",
    `    model: "${input.exampleModel}",`,
    '    messages: [{ role: "user", content: "Say hello in five words." }],',
    "  });",
    "  console.log(completion.choices[0].message.content);",
    "",
    "Press Ctrl-C to stop.",
  ];
  return `${lines.join("\n")}\n`;
}
