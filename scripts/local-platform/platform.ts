/**
 * Starts the whole local platform: the provider simulator (for providers without an API key), the
 * edge-cache Worker under miniflare with KV seeded from `templates/definitions/`, the LLM gateway
 * under Deno wired to both, and the job worker under Deno woken every second against the same
 * database (docs/jobs.md). Stops everything it started when asked or when a part fails.
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
import { startJobWorkerLoop, type JobWorkerLoop } from "./job-worker-loop";
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
  /**
   * Whether to run the job worker loop when there is a database (tests of other parts leave it
   * out: it is a second Deno process).
   * @default true
   */
  jobWorker?: boolean;
  /** Receives each line of the job worker's output. @default write to stderr */
  onJobWorkerOutput?: (line: string) => void;
  /**
   * Time between the job worker's wake-ups, in milliseconds.
   * @default 1000
   */
  jobWorkerIntervalMs?: number;
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
  /** The job worker's base URL, when it runs (there is a database). */
  jobWorkerUrl?: string;
  /** PID (and process group id) of the Deno job worker, when it runs. */
  jobWorkerPid?: number;
  /** The text to print once ready. */
  banner: string;
  /** Settles with a message when the gateway or the job worker exits without being asked to. */
  unexpectedExit: Promise<string>;
  /** Stops the worker's and the gateway's process groups, miniflare, the simulator, PGlite. */
  stop(): Promise<void>;
}

/** Variables of the user's environment the job worker reads too (functions/job-worker/environment.ts). */
function jobWorkerEnvironment(environment: NodeJS.ProcessEnv): Record<string, string> {
  const shared = [
    "UPSTASH_REDIS_REST_URL",
    "UPSTASH_REDIS_REST_TOKEN",
    "REDIS_URL",
    "GATEWAY_METRICS_TOKEN",
  ];
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined && (name.startsWith("JOB_") || shared.includes(name))) {
      result[name] = value;
    }
  }
  delete result.JOB_WORKER_PORT;
  return result;
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
  const [gatewayPort, edgeCachePort, jobWorkerPort, simulatorPort] = await resolvePorts(
    settings.host,
    [
      settings.gateway,
      settings.edgeCache,
      settings.jobWorker,
      ...(needsSimulator ? [settings.simulator] : []),
    ],
  );
  if (gatewayPort === undefined || edgeCachePort === undefined) {
    throw new LocalPlatformError("Could not resolve the gateway and edge-cache ports.");
  }

  const definitions = readDefinitions();
  let simulator: ProviderSimulator | undefined;
  let edgeCache: LocalEdgeCache | undefined;
  let gateway: GatewayProcess | undefined;
  let database: LocalDatabase | undefined;
  let jobWorker: JobWorkerLoop | undefined;
  let stopping = false;

  const stopStarted = async () => {
    stopping = true;
    // Reverse start order: the worker and then the gateway first, so neither calls a part that is
    // gone.
    await jobWorker?.stop();
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
    // Jobs (POST /v1/jobs) live in the database: the worker runs them against the same one, the
    // local PGlite (which serves the gateway and the worker in turns) or DATABASE_URL.
    const databaseUrl = database?.url ?? environment.DATABASE_URL?.trim();
    if ((options.jobWorker ?? true) && databaseUrl !== undefined && databaseUrl !== "") {
      options.signal?.throwIfAborted();
      jobWorker = await startJobWorkerLoop({
        databaseUrl,
        gatewayUrl: gateway.url,
        gatewayApiKey: (environment.GATEWAY_API_KEYS ?? "").split(",")[0]?.trim() || undefined,
        port: jobWorkerPort ?? 0,
        intervalMs: options.jobWorkerIntervalMs,
        environment: jobWorkerEnvironment(environment),
        onOutput: options.onJobWorkerOutput,
        readyTimeoutMs: options.gatewayReadyTimeoutMs,
        signal: options.signal,
      });
    }
  } catch (error) {
    await stopStarted();
    throw error;
  }

  const runningGateway = gateway;
  const runningWorker = jobWorker;
  const unexpectedExit = new Promise<string>((resolveExit) => {
    void runningGateway.exited.then(({ code, signal }) => {
      if (stopping) return;
      resolveExit(
        `The LLM gateway (Deno, pid ${runningGateway.pid}) exited unexpectedly ` +
          `(${signal ?? `exit code ${code}`}); stopping the local platform.`,
      );
    });
    void runningWorker?.exited.then(({ code, signal }) => {
      if (stopping) return;
      resolveExit(
        `The job worker (Deno, pid ${runningWorker.pid}) exited unexpectedly ` +
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
    ...(jobWorker === undefined
      ? {}
      : { jobWorkerUrl: jobWorker.url, jobWorkerPid: jobWorker.pid }),
    banner: renderBanner({
      gatewayUrl: gateway.url,
      edgeCacheUrl: edgeCache.url,
      simulatorUrl: simulator?.url,
      definitionNames: Object.keys(definitions),
      exampleModel: settings.exampleModel,
      requiresApiKey: (environment.GATEWAY_API_KEYS ?? "").trim() !== "",
      database: database !== undefined ? "pglite" : "url",
      ...(jobWorker === undefined ? {} : { jobWorkerUrl: jobWorker.url }),
      settings,
    }),
    unexpectedExit,
    stop: () => (stopped ??= stopStarted()),
  };
}
