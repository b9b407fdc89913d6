// Starts a module under the real Deno (from the `deno` npm package) on a free loopback port and
// waits until it answers, so tests exercise the artifact the way the Edge Runtime would load it.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";

/** A running Deno server. */
export interface DenoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link serveWithDeno}. */
export interface DenoServeOptions {
  /** Module to run. */
  modulePath: string;
  /** Extra environment variables; `PORT` is set to the chosen port. */
  environment?: Record<string, string>;
  /** Path polled until it answers with any status. @default "/health" */
  readyPath?: string;
  /** How long to wait for readiness, in milliseconds. @default 30000 */
  readyTimeoutMs?: number;
}

const denoBinary = path.resolve(__dirname, "..", "..", "node_modules", ".bin", "deno");

/** Returns a port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `deno run` on the module without any config file or remote import, and waits for it. */
export async function serveWithDeno(options: DenoServeOptions): Promise<DenoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    denoBinary,
    [
      "run",
      "--no-config",
      "--no-remote",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      options.modulePath,
    ],
    {
      env: { ...process.env, ...options.environment, PORT: String(port), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: DenoServer = {
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`deno exited with ${child.exitCode} before answering: ${stderr}`);
    }
    try {
      await fetch(`${server.url}${options.readyPath ?? "/health"}`);
      return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await server.stop();
  throw new Error(`deno did not answer on ${server.url} in time: ${stderr}`);
}
