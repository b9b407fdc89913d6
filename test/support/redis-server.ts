import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./free-port";
import { waitUntil } from "./wait-until";

/** A real `redis-server` child process on 127.0.0.1. */
export interface RedisServer {
  /** The port it listens on (kept across `restart`). */
  port: number;
  /**
   * Connection URL for `REDIS_URL`.
   * @example "redis://127.0.0.1:41234"
   */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after two seconds). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>;
  /**
   * Freezes the process (SIGSTOP): connections stay open and commands queue up unanswered, the
   * data is kept. A hung store, as opposed to a stopped one.
   */
  pause(): void;
  /** Resumes a paused server (SIGCONT); queued commands then run. */
  resume(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function launch(port: number): Promise<ChildProcess> {
  // No persistence: tests must never write dump.rdb/appendonly files into the repository.
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--loglevel",
      "warning",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with code ${code}: ${stderr.trim()}`)),
    ),
  );
  exited.catch(() => undefined);
  // Safety net: a crashed or killed test worker must not leave redis-server running.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  await Promise.race([
    waitUntil(() => ping(port), { description: `redis-server on port ${port}` }),
    exited,
  ]);
  return child;
}

/** Starts `redis-server` (from PATH) on a free port with persistence off, and waits for PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      // A frozen process ignores SIGTERM until continued.
      child.kill("SIGCONT");
      await stopChild(child);
    },
    pause: () => {
      child.kill("SIGSTOP");
    },
    resume: () => {
      child.kill("SIGCONT");
    },
    async restart() {
      await stopChild(child);
      child = await launch(port);
    },
  };
}
