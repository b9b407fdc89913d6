/**
 * Starts the whole local platform: the provider simulator (for providers without an API key), the
 * edge-cache Worker under miniflare with KV seeded from `templates/definitions/`, and the LLM
 * gateway under Deno wired to both. Stops everything it started when asked or when a part fails.
 */
import { readDefinitions } from "../../functions/edge-cache/definitions";
import { startLocalEdgeCache } from "../../functions/edge-cache/local-edge-cache";
import type { LocalEdgeCache } from "../../functions/edge-cache/local-edge-cache";
import { startProviderSimulator } from "../provider-simulator/index";
import type { ProviderSimulator } from "../provider-simulator/index";
import { renderBanner } from "./banner";
import { startLocalDatabase, type LocalDatabase } from "./database";
import { startGatewayProcess } from "./gateway-process";
import type { GatewayProcess } from "./gateway-process";
import { LocalPlatformError } from "./local-platform-error";
import { resolvePorts } from "./ports";
import { readLocalPlatformSettings } from "./settings";
import type { LocalPlatformSettings } from "./settings";

/** Key the gateway is given for a simulated provider; the simulator accepts any non-empty key. */
const SIMULATED_API_KEY = "simulated-local-key";

/** Options for {@link startLocalPlatform}. */
export interface LocalPlatformOptions {
  /** Environment to read settings from and pass to the gateway. @default process.env */
  environment?: NodeJS.ProcessEnv;
  /** Gateway entry module (tests use a stand-in). @default functions/llm-gateway/index.ts */
  gatewayEntry?: string;
  /** Receives each line of gateway output. @default write to stderr */
  onGatewayOutput?: (line: string) => void;
  /** How long to wait for the gateway's `/health`. @default 120000 */
  gatewayReadyTimeoutMs?: number;
  /** Abandons startup (stopping what was started) when aborted, e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/** A running local platform. */
export interface LocalPlatform {
  /** Settings it was started with. */
  settings: LocalPlatformSettings;
  /** Gateway base URL. */
  gatewayUrl: string;
  /** Edge-cache Worker base URL. */
  edgeCacheUrl: string;
  /** Simulator base URL, when some provider is simulated. */
  simulatorUrl?: string;
  /** PID (and process group id) of the Deno gateway process. */
  gatewayPid: number;
  /** The text to print once ready. */
  banner: string;
  /** Settles with a message when the gateway exits without being asked to. */
  unexpectedExit: Promise<string>;
  /** Stops the gateway's process group, disposes miniflare and closes the simulator. */
  stop(): Promise<void>;
}

function gatewayEnvironment(
  environment: NodeJS.ProcessEnv,
  settings: LocalPlatformSettings,
  simulator: ProviderSimulator | undefined,
  database: LocalDatabase | undefined,
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...environment };
  if (database !== undefined) result.DATABASE_URL = database.url;
  if (simulator !== undefined) {
    if (settings.simulatedProviders.includes("openai")) {
      result.OPENAI_API_KEY = SIMULATED_API_KEY;
      result.OPENAI_BASE_URL = simulator.openaiBaseUrl;
    }
    if (settings.simulatedProviders.includes("anthropic")) {
      result.ANTHROPIC_API_KEY = SIMULATED_API_KEY;
      result.ANTHROPIC_BASE_URL = simulator.anthropicBaseUrl;
    }
    if (settings.simulatedProviders.includes("gemini")) {
      result.GEMINI_API_KEY = SIMULATED_API_KEY;
      result.GEMINI_BASE_URL = simulator.geminiBaseUrl;
    }
  }
  return result;
}

function hasDatabaseUrl(environment: NodeJS.ProcessEnv): boolean {
  return (environment.DATABASE_URL ?? "").trim() !== "";
}

/**
 * Checks every port first, then starts the simulator, the Worker and the gateway, and resolves
 * once the gateway's `/health` answers 200. On any failure, what was started is stopped again.
 * @throws LocalPlatformError for a bad variable, a port in use or a gateway that fails to start.
 */
export async function startLocalPlatform(
  options: LocalPlatformOptions = {},
): Promise<LocalPlatform> {
  const environment = options.environment ?? process.env;
  const settings = readLocalPlatformSettings(environment);
  const needsSimulator = settings.simulatedProviders.length > 0;
  const [gatewayPort, edgeCachePort, simulatorPort] = await resolvePorts(settings.host, [
    settings.gateway,
    settings.edgeCache,
    ...(needsSimulator ? [settings.simulator] : []),
  ]);
  if (gatewayPort === undefined || edgeCachePort === undefined) {
    throw new LocalPlatformError("Could not resolve the gateway and edge-cache ports.");
  }

  const definitions = readDefinitions();
  let simulator: ProviderSimulator | undefined;
  let edgeCache: LocalEdgeCache | undefined;
  let gateway: GatewayProcess | undefined;
  let database: LocalDatabase | undefined;
  let stopping = false;

  const stopStarted = async () => {
    stopping = true;
    // Reverse start order: the gateway first, so it never calls a provider that is gone.
    await gateway?.stop();
    await edgeCache?.close();
    await simulator?.close();
    await database?.stop();
  };

  try {
    if (needsSimulator) {
      simulator = await startProviderSimulator({
        host: settings.host,
        port: simulatorPort,
        recordRequests: false,
      });
    }
    options.signal?.throwIfAborted();
    edgeCache = await startLocalEdgeCache({
      host: settings.host,
      port: edgeCachePort,
      definitions,
    });
    options.signal?.throwIfAborted();
    // The semantic cache and the cost ledger: PGlite + pgvector in memory, with the migrations
    // applied, unless DATABASE_URL names a database already.
    if (!hasDatabaseUrl(environment)) {
      database = await startLocalDatabase({ port: 0 });
      options.signal?.throwIfAborted();
    }
    gateway = await startGatewayProcess({
      entry: options.gatewayEntry,
      environment: gatewayEnvironment(environment, settings, simulator, database),
      host: settings.host,
      port: gatewayPort,
      readyTimeoutMs: options.gatewayReadyTimeoutMs,
      onOutput: options.onGatewayOutput,
      signal: options.signal,
    });
  } catch (error) {
    await stopStarted();
    throw error;
  }

  const runningGateway = gateway;
  const unexpectedExit = new Promise<string>((resolveExit) => {
    void runningGateway.exited.then(({ code, signal }) => {
      if (stopping) return;
      resolveExit(
        `The LLM gateway (Deno, pid ${runningGateway.pid}) exited unexpectedly ` +
          `(${signal ?? `exit code ${code}`}); stopping the local platform.`,
      );
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    settings,
    gatewayUrl: gateway.url,
    edgeCacheUrl: edgeCache.url,
    simulatorUrl: simulator?.url,
    gatewayPid: gateway.pid,
    banner: renderBanner({
      gatewayUrl: gateway.url,
      edgeCacheUrl: edgeCache.url,
      simulatorUrl: simulator?.url,
      definitionNames: Object.keys(definitions),
      exampleModel: settings.exampleModel,
      requiresApiKey: (environment.GATEWAY_API_KEYS ?? "").trim() !== "",
      database: database !== undefined ? "pglite" : "url",
      settings,
    }),
    unexpectedExit,
    stop: () => (stopped ??= stopStarted()),
  };
}
