/**
 * What `npm start` runs, read once from the environment: ports, which providers are real and
 * which are simulated, and which store the gateway uses.
 */
import { LocalPlatformError } from "./local-platform-error";

/** A port the local platform listens on. */
/** A provider the simulator can stand in for. */
export type SimulatedProvider = "openai" | "anthropic" | "gemini";

export interface PortSetting {
  /** What listens there, for messages. @example "LLM gateway" */
  service: string;
  /** The environment variable that overrides the port. @example "GATEWAY_PORT" */
  variable: string;
  /** The requested port; `0` picks a free one. */
  port: number;
}

/** The store the gateway will use, derived from the same variables the gateway reads. */
export type StoreKind = "upstash" | "redis" | "memory";

/** Everything `npm start` needs to know before starting anything. */
export interface LocalPlatformSettings {
  /** The loopback address every service listens on. */
  host: string;
  /** Gateway port (passed to Deno as `PORT`). @default 8000 */
  gateway: PortSetting;
  /** Edge-cache Worker port. @default 8787 */
  edgeCache: PortSetting;
  /** Provider simulator port. @default 8788 */
  simulator: PortSetting;
  /** Job worker port (`JOB_WORKER_PORT`); only the wake-up loop calls it. @default 0 (a free port) */
  jobWorker: PortSetting;
  /** Providers without an API key in the environment; the simulator stands in for them. */
  simulatedProviders: Array<SimulatedProvider>;
  /** Providers whose API key is set; the gateway calls the real API. */
  realProviders: Array<SimulatedProvider>;
  /** Store selection, for the summary. */
  store: StoreKind;
  /**
   * Model in the printed examples: the first tier of `LLM_ROUTES`, else a built-in gateway tier.
   * @default "tier:fast"
   */
  exampleModel: string;
}

/** Model in the printed examples when `LLM_ROUTES` names no tier (a built-in gateway tier). */
export const DEFAULT_EXAMPLE_MODEL = "tier:fast";

function exampleModelFor(routes: string | undefined): string {
  if (routes === undefined || routes.trim() === "") return DEFAULT_EXAMPLE_MODEL;
  try {
    const parsed: unknown = JSON.parse(routes);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return DEFAULT_EXAMPLE_MODEL;
    }
    const [firstTier] = Object.keys(parsed);
    return firstTier === undefined ? DEFAULT_EXAMPLE_MODEL : `tier:${firstTier}`;
  } catch {
    // The gateway reports a malformed LLM_ROUTES itself, naming the variable.
    return DEFAULT_EXAMPLE_MODEL;
  }
}

const providerKeyVariables = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  gemini: "GEMINI_API_KEY",
} as const;

/** The API-key variable of each provider. */
export function providerKeyVariable(provider: SimulatedProvider): string {
  return providerKeyVariables[provider];
}

function readPort(
  environment: NodeJS.ProcessEnv,
  variable: string,
  service: string,
  fallback: number,
): PortSetting {
  const text = environment[variable];
  if (text === undefined || text.trim() === "") return { service, variable, port: fallback };
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new LocalPlatformError(
      `${variable} must be a port number from 0 to 65535 (0 picks a free port), got "${text}".`,
    );
  }
  return { service, variable, port };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}

/** Reads the settings; throws a {@link LocalPlatformError} naming the variable on a bad value. */
export function readLocalPlatformSettings(environment: NodeJS.ProcessEnv): LocalPlatformSettings {
  const gateway = readPort(environment, "GATEWAY_PORT", "LLM gateway", 8000);
  const edgeCache = readPort(environment, "EDGE_CACHE_PORT", "edge-cache Worker", 8787);
  const simulator = readPort(environment, "SIMULATOR_PORT", "provider simulator", 8788);
  const jobWorker = readPort(environment, "JOB_WORKER_PORT", "job worker", 0);

  const fixed = [gateway, edgeCache, simulator, jobWorker].filter((setting) => setting.port !== 0);
  for (const [index, setting] of fixed.entries()) {
    const clash = fixed.slice(index + 1).find((other) => other.port === setting.port);
    if (clash !== undefined) {
      throw new LocalPlatformError(
        `${setting.variable} and ${clash.variable} are both ${setting.port}; give each service its own port.`,
      );
    }
  }

  const providers = ["openai", "anthropic", "gemini"] as const;
  const realProviders = providers.filter((provider) =>
    isSet(environment[providerKeyVariables[provider]]),
  );
  const simulatedProviders = providers.filter((provider) => !realProviders.includes(provider));

  // Mirrors the gateway: Upstash REST when both variables are set, TCP Redis otherwise.
  const store: StoreKind =
    isSet(environment.UPSTASH_REDIS_REST_URL) && isSet(environment.UPSTASH_REDIS_REST_TOKEN)
      ? "upstash"
      : isSet(environment.REDIS_URL)
        ? "redis"
        : "memory";

  return {
    host: "127.0.0.1",
    gateway,
    edgeCache,
    simulator,
    jobWorker,
    simulatedProviders,
    realProviders,
    store,
    exampleModel: exampleModelFor(environment.LLM_ROUTES),
  };
}
