/**
 * The job worker under `npm start`: the worker function itself (functions/job-worker/index.ts)
 * under real Deno, against the local PGlite database and the local gateway, woken every
 * `intervalMs` by this loop the way pg_cron + pg_net wake it on Supabase every minute (more often
 * here, so local jobs finish quickly). A wake-up starts only after the previous one answered.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { REPOSITORY_ROOT, startGatewayProcess } from "./gateway-process";

/** Options of {@link startJobWorkerLoop}. */
export interface JobWorkerLoopOptions {
  /** The local database's URL (`startLocalDatabase().url`). */
  databaseUrl: string;
  /** The local gateway's base URL, e.g. `http://127.0.0.1:8000`. */
  gatewayUrl: string;
  /**
   * A key the gateway accepts (one of its `GATEWAY_API_KEYS`); the worker calls the gateway with it
   * and the loop wakes the worker with it. When the gateway runs without keys, a random one is
   * made up (the worker still refuses wake-ups without it).
   */
  gatewayApiKey?: string;
  /** Port the worker listens on (127.0.0.1). */
  port: number;
  /**
   * Time between wake-ups, in milliseconds.
   * @default 1000
   */
  intervalMs?: number;
  /** More worker variables, e.g. `JOB_WEBHOOK_SECRETS` (functions/job-worker/environment.ts). */
  environment?: Record<string, string>;
  /** Receives each line of the worker's output. @default write to stderr */
  onOutput?: (line: string) => void;
  /** How long to wait for the worker's `/health`. @default 120000 */
  readyTimeoutMs?: number;
  /** Abandons startup when aborted. */
  signal?: AbortSignal;
}

/** A running worker and its loop. */
export interface JobWorkerLoop {
  /** The worker's base URL. */
  url: string;
  /** PID (and process group id) of the Deno worker. */
  pid: number;
  /** Settles when the worker exits, for any reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the loop, waits for a wake-up in flight, then stops the worker. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the worker and its wake-up loop.
 * @throws LocalPlatformError when the worker does not become ready.
 */
export async function startJobWorkerLoop(options: JobWorkerLoopOptions): Promise<JobWorkerLoop> {
  const key = options.gatewayApiKey ?? `local-job-worker-${randomBytes(16).toString("hex")}`;
  const worker = await startGatewayProcess({
    entry: resolve(REPOSITORY_ROOT, "functions", "job-worker", "index.ts"),
    environment: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      ...(process.env.DENO_DIR === undefined ? {} : { DENO_DIR: process.env.DENO_DIR }),
      DATABASE_URL: options.databaseUrl,
      JOB_WORKER_GATEWAY_URL: options.gatewayUrl,
      GATEWAY_API_KEYS: key,
      ...options.environment,
    },
    port: options.port,
    label: "The job worker",
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });

  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const wake = async (): Promise<void> => {
    try {
      const response = await fetch(worker.url, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(10 * 60_000),
      });
      await response.body?.cancel();
    } catch {
      // The worker is restarting or stopping; the next wake-up tries again.
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = wake().finally(schedule);
    }, intervalMs);
  };
  schedule();

  let stopping: Promise<void> | undefined;
  return {
    url: worker.url,
    pid: worker.pid,
    exited: worker.exited,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await inFlight;
        await worker.stop();
      })()),
  };
}
