/**
 * Runs the LLM gateway under real Deno as a child process in its own process group, so stopping
 * it also stops anything Deno started, and Ctrl-C in the terminal reaches `npm start` first (which
 * then stops the gateway in order) instead of racing it.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { LocalPlatformError } from "./local-platform-error";

/** The repository root (where `node_modules/` and `functions/` live). */
export const REPOSITORY_ROOT = resolve(__dirname, "../..");

/** Options for {@link startGatewayProcess}. */
export interface GatewayProcessOptions {
  /**
   * Entry module run by `deno run`.
   * @default "<repo>/functions/llm-gateway/index.ts"
   */
  entry?: string;
  /** Complete environment of the Deno process (it reads `PORT`, provider keys, store variables). */
  environment: NodeJS.ProcessEnv;
  /** Port the gateway listens on; readiness is `GET /health` answering 200 there. */
  port: number;
  /** Loopback address the gateway is reached at. @default "127.0.0.1" */
  host?: string;
  /**
   * How long to wait for `/health` before giving up. Deno's first run loads npm packages.
   * @default 120000
   */
  readyTimeoutMs?: number;
  /** Receives each line the gateway writes to stdout or stderr. @default write to stderr */
  onOutput?: (line: string) => void;
  /** Stops waiting for readiness (and the process) when aborted, e.g. on Ctrl-C during startup. */
  signal?: AbortSignal;
  /**
   * What runs, as the messages name it.
   * @default "The LLM gateway"
   */
  label?: string;
}

/** A running gateway. */
export interface GatewayProcess {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** PID of the Deno process, which is also its process group id. */
  pid: number;
  /** Settles when the process exits, for any reason, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const denoBinary = resolve(REPOSITORY_ROOT, "node_modules", ".bin", "deno");

function isGroupAlive(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(processGroupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroupId, signal);
  } catch {
    // The group is already gone.
  }
}

const delay = (milliseconds: number) =>
  new Promise<void>((resolveDelay) => setTimeout(resolveDelay, milliseconds));

async function stopGroup(processGroupId: number, graceMs: number): Promise<void> {
  signalGroup(processGroupId, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isGroupAlive(processGroupId) && Date.now() < deadline) await delay(50);
  if (isGroupAlive(processGroupId)) {
    signalGroup(processGroupId, "SIGKILL");
    while (isGroupAlive(processGroupId)) await delay(20);
  }
}

function forwardLines(child: ChildProcess, onOutput: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", onOutput);
  }
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    // 503 is a degraded gateway (a breaker open, the store down): up all the same.
    return response.status === 200 || response.status === 503;
  } catch {
    return false;
  }
}

/**
 * The `deno` arguments of package.json's `gateway` script (`deno run --allow-... <entry>`), with
 * `entry` in place of its last word, so `npm start` grants exactly the permissions users get from
 * `npm run gateway`.
 */
export function gatewayDenoArguments(entry: string): string[] {
  const packageJsonPath = resolve(REPOSITORY_ROOT, "package.json");
  const packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    scripts?: Record<string, string>;
  };
  const words = packageJson.scripts?.gateway?.trim().split(/\s+/) ?? [];
  if (words[0] !== "deno" || words.length < 3) {
    throw new LocalPlatformError(
      `${packageJsonPath}: scripts.gateway must be "deno run <flags> <entry>", got ${JSON.stringify(packageJson.scripts?.gateway)}.`,
    );
  }
  return [...words.slice(1, -1), entry];
}

/**
 * Spawns `deno run` on the gateway and resolves once `/health` answers 200.
 * @throws LocalPlatformError when Deno exits or the timeout passes first (the group is stopped).
 */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const entry = options.entry ?? resolve(REPOSITORY_ROOT, "functions", "llm-gateway", "index.ts");
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host}:${options.port}`;
  const child = spawn(denoBinary, gatewayDenoArguments(entry), {
    cwd: REPOSITORY_ROOT,
    env: {
      ...options.environment,
      PORT: String(options.port),
      HOST: host,
      DENO_NO_UPDATE_CHECK: "1",
      // Deno colours its output even into a pipe; keep colour codes out of logs and CI output.
      ...(process.stderr.isTTY ? {} : { NO_COLOR: "1" }),
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolveExit) => {
      child.once("exit", (code, signal) => resolveExit({ code, signal }));
      child.once("error", () => resolveExit({ code: null, signal: null }));
    },
  );
  const spawnError = new Promise<Error>((resolveError) => child.once("error", resolveError));
  forwardLines(child, options.onOutput ?? ((line) => process.stderr.write(`${line}\n`)));

  const pid = child.pid;
  if (pid === undefined) {
    const error = await spawnError;
    throw new LocalPlatformError(`Could not start Deno (${denoBinary}): ${error.message}`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopGroup(pid, 5_000));
  const label = options.label ?? "The LLM gateway";

  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const deadline = Date.now() + readyTimeoutMs;
  let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((result) => (exitedEarly = result));
  while (!(await isHealthy(url))) {
    if (options.signal?.aborted) {
      await stop();
      throw options.signal.reason;
    }
    if (exitedEarly !== undefined) {
      await stop();
      throw new LocalPlatformError(
        `${label} (Deno, ${entry}) exited before it was ready ` +
          `(${exitedEarly.signal ?? `exit code ${exitedEarly.code}`}); its output is above.`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new LocalPlatformError(
        `${label} did not answer 200 on ${url}/health within ${readyTimeoutMs / 1000} s; its output is above.`,
      );
    }
    await delay(200);
  }
  return { url, pid, exited, stop };
}
