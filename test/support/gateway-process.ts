import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port";
import { repositoryRoot } from "./repository-root";
import { waitUntil } from "./wait-until";

/** One line the gateway printed. */
export interface OutputLine {
  /** Which stream it came from. */
  stream: "stdout" | "stderr";
  /** The line, without its newline. */
  text: string;
}

/** A gateway running under real Deno. */
export interface GatewayProcess {
  /**
   * Base URL, without a trailing slash.
   * @example "http://127.0.0.1:41234"
   */
  url: string;
  /** The port it listens on. */
  port: number;
  /** The process id (leader of its own process group). */
  pid: number;
  /** Every stdout/stderr line so far, in order of arrival. */
  output: OutputLine[];
  /** Stops the whole process group: SIGTERM, then SIGKILL after three seconds. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /**
   * The gateway's environment (`OPENAI_BASE_URL`, `LLM_ROUTES`, ...). Only these, plus `PATH`, `HOME`,
   * `PORT` and `HOST`, reach the process, so that the developer's real keys never leak into a test.
   */
  env?: Record<string, string>;
  /**
   * Port to serve on.
   * @default a free port
   */
  port?: number;
  /**
   * Entry module to run instead of the one in the `gateway` script (e.g. a bundled artifact).
   * @example "dist/functions/llm-gateway/index.js"
   */
  entry?: string;
  /**
   * Whether to keep stdout/stderr lines in `output`. Benchmarks turn it off: hundreds of thousands
   * of log lines would only cost memory.
   * @default true
   */
  captureOutput?: boolean;
  /**
   * How long to wait for `GET /health` to answer (200, or 503 when degraded).
   * @default 60000
   */
  readyTimeoutMs?: number;
}

/**
 * The `deno` arguments of the `gateway` script in package.json (e.g. `run --allow-net ... entry`),
 * so tests always run the gateway with exactly the permissions users get.
 */
export function gatewayScriptArguments(): string[] {
  const packageJson = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = packageJson.scripts?.gateway;
  if (script === undefined) throw new Error('package.json has no "gateway" script');
  const words = script.trim().split(/\s+/);
  if (words[0] !== "deno")
    throw new Error(`package.json "gateway" script must start with deno, got "${script}"`);
  return words.slice(1);
}

/** Path of the Deno binary installed as the `deno` devDependency. */
export const denoBinary = join(repositoryRoot, "node_modules", ".bin", "deno");

/** Starts the gateway under Deno with the given environment and waits until `/health` answers. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort());
  const denoArguments = gatewayScriptArguments();
  if (options.entry !== undefined) denoArguments[denoArguments.length - 1] = options.entry;
  const child = spawn(denoBinary, denoArguments, {
    cwd: repositoryRoot,
    detached: true,
    stdio:
      options.captureOutput === false ? ["ignore", "ignore", "ignore"] : ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      ...(process.env.DENO_DIR === undefined ? {} : { DENO_DIR: process.env.DENO_DIR }),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...options.env,
    },
  });
  const output: OutputLine[] = [];
  for (const stream of ["stdout", "stderr"] as const) {
    let pending = "";
    child[stream]?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const text of lines) output.push({ stream, text });
    });
    child[stream]?.on("end", () => {
      if (pending.length > 0) output.push({ stream, text: pending });
    });
  }
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );

  // Safety net: if this process ends without calling stop (a crashed or killed test worker), the
  // detached gateway would live on in its own process group.
  const killOnExit = (): void => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", killOnExit);
  void exitPromise.then(() => process.off("exit", killOnExit));

  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 3000);
    await exitPromise;
    clearTimeout(killer);
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    const ready = waitUntil(
      async () => {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        // A degraded gateway (store unreachable) may answer /health with 503: it is up all the same.
        return response.status === 200 || response.status === 503;
      },
      {
        description: `gateway /health on port ${port}`,
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: 100,
      },
    );
    const exitedEarly = exitPromise.then(() => {
      throw new Error("gateway exited before becoming ready");
    });
    // Handled here so that the rejection at a normal stop later is not reported as unhandled.
    exitedEarly.catch(() => undefined);
    await Promise.race([ready, exitedEarly]);
  } catch (error) {
    await stop();
    const lines = output
      .map((line) => line.text)
      .slice(-30)
      .join("\n");
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\ngateway output:\n${lines}`,
    );
  }
  return { url, port, pid: child.pid ?? -1, output, stop };
}
