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
  /**
   * Where the semantic cache and the cost ledger live: `pglite` (started by `npm start`), `url`
   * (`DATABASE_URL` from the environment), or off.
   * @default "off"
   */
  database?: "pglite" | "url" | "off";
  /** The job worker's URL, when `npm start` runs it (there is a database). */
  jobWorkerUrl?: string;
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

function describeDatabase(input: BannerInput): string[] {
  switch (input.database ?? "off") {
    case "pglite":
      return [
        "Semantic cache, cost ledger and jobs: PGlite + pgvector in memory (set DATABASE_URL to use Postgres)",
      ];
    case "url":
      return ["Semantic cache, cost ledger and jobs: Postgres at DATABASE_URL"];
    default:
      return ["Semantic cache, cost ledger and jobs: off"];
  }
}

/** A question and its paraphrase: the second answer comes from the semantic cache. */
function semanticCacheExample(input: BannerInput): string[] {
  if ((input.database ?? "off") === "off") return [];
  const ask = (content: string): string[] => [
    `  curl -si ${input.gatewayUrl}/v1/chat/completions \\`,
    "    -H 'Content-Type: application/json' \\",
    ...(input.requiresApiKey ? [`    -H "Authorization: Bearer $GATEWAY_API_KEY" \\`] : []),
    `    -d '${JSON.stringify({
      model: input.exampleModel,
      temperature: 0,
      messages: [{ role: "user", content }],
    })}' | grep -i '^x-llm-cache'`,
  ];
  return [
    "A paraphrase served from the semantic cache (the second answer says x-llm-cache: semantic):",
    ...ask("How do I reset my password?"),
    ...ask("how can I reset my password"),
    "",
  ];
}

/** A job submitted with curl, when the job worker runs: 202 at once, the answer at its status URL. */
function jobExample(input: BannerInput): string[] {
  if (input.jobWorkerUrl === undefined) return [];
  const auth = input.requiresApiKey ? [`    -H "Authorization: Bearer $GATEWAY_API_KEY" \\`] : [];
  return [
    "A job: 202 with its status_url at once, the answer there once the job worker ran it",
    '(add "mode":"quick" to have the gateway run it right after the 202):',
    `  curl -s ${input.gatewayUrl}/v1/jobs \\`,
    "    -H 'Content-Type: application/json' \\",
    ...auth,
    `    -d '${JSON.stringify({
      model: input.exampleModel,
      messages: [{ role: "user", content: "List three risks of a four-day week." }],
    })}'`,
    `  curl -s ${input.gatewayUrl}/v1/jobs/<id>${input.requiresApiKey ? ' -H "Authorization: Bearer $GATEWAY_API_KEY"' : ""}`,
    "",
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
    `  status page        ${input.gatewayUrl}/status  (live metrics, breakers, recent errors)`,
    `  edge-cache Worker  ${input.edgeCacheUrl}  (GET /definitions/<name>)`,
    ...(input.simulatorUrl === undefined ? [] : [`  provider simulator ${input.simulatorUrl}`]),
    ...(input.jobWorkerUrl === undefined
      ? []
      : [`  job worker         ${input.jobWorkerUrl}  (runs /v1/jobs, woken every second)`]),
    "",
    "Providers:",
    ...describeProviders(input),
    `Store: ${storeDescriptions[input.settings.store]}`,
    `Definitions: ${input.definitionNames.join(", ")}`,
    ...describeDatabase(input),
    "",
    "Chat completion with curl:",
    `  curl -s ${input.gatewayUrl}/v1/chat/completions \\`,
    "    -H 'Content-Type: application/json' \\",
    ...(input.requiresApiKey ? [`    -H "Authorization: Bearer $GATEWAY_API_KEY" \\`] : []),
    `    -d '${body}'`,
    "",
    ...semanticCacheExample(input),
    ...jobExample(input),
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
