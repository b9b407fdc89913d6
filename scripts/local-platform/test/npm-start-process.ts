/**
 * Test helpers that run `npm start` as a user would and inspect the processes it leaves behind.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

/** The repository root. */
export const repositoryRoot = resolve(__dirname, "../../..");

/** How a process ended. */
export interface ExitStatus {
  /** Exit code, or `null` when killed by a signal. */
  code: number | null;
  /** The signal that killed it, or `null`. */
  signal: NodeJS.Signals | null;
}

/** A running `npm start`. */
export interface RunningCommand {
  /** The `npm` process, leader of its own process group. */
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout: () => string;
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** Settles when `npm` exits. */
  exited: Promise<ExitStatus>;
}

/** Returns a port that was free a moment ago on 127.0.0.1. */
export async function pickFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen({ host: "127.0.0.1", port: 0 }, done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === "object" && address !== null ? address.port : 0;
}

/** Whether something can listen on `port` (it is free). */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once("error", () => done(false));
    server.listen({ host: "127.0.0.1", port }, () => server.close(() => done(true)));
  });
}

/** A clean environment: no provider keys or Redis from the developer's shell leak into a test. */
export function cleanEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...overrides };
}

/** Spawns `npm start` in its own process group, so a test can clean up even after a leak. */
export function runNpmStart(environment: NodeJS.ProcessEnv): RunningCommand {
  const child = spawn("npm", ["start"], {
    cwd: repositoryRoot,
    env: environment,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<ExitStatus>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until stdout contains `text`; throws with both streams if it exits or times out first. */
export async function waitForOutput(
  command: RunningCommand,
  text: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void command.exited.then(() => (exited = true));
  while (!command.stdout().includes(text)) {
    if (exited || Date.now() > deadline) {
      throw new Error(
        `npm start did not print "${text}" (exited: ${exited}).\nstdout:\n${command.stdout()}\nstderr:\n${command.stderr()}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** Live (non-zombie) processes: pid -> parent pid and command line. */
function processTable(): Map<number, { parent: number; commandLine: string }> {
  const table = new Map<number, { parent: number; commandLine: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses; the fields after the last ")" are fixed.
      const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      table.set(Number(entry), { parent: Number(parent), commandLine });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** Every live descendant of `rootPid`: pid -> command line. */
export function descendantsOf(rootPid: number): Map<number, string> {
  const table = processTable();
  const found = new Map<number, string>();
  let frontier = [rootPid];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [pid, { parent, commandLine }] of table) {
      if (frontier.includes(parent) && !found.has(pid)) {
        found.set(pid, commandLine);
        next.push(pid);
      }
    }
    frontier = next;
  }
  return found;
}

/** The PIDs among `pids` that are still running. */
export function stillAlive(pids: Iterable<number>): number[] {
  const table = processTable();
  return [...pids].filter((pid) => table.has(pid));
}

/** The PID of the Deno gateway among `descendants`. */
export function gatewayPid(descendants: Map<number, string>): number | undefined {
  for (const [pid, commandLine] of descendants) {
    if (/deno run .*functions\/llm-gateway\/index\.ts/.test(commandLine)) return pid;
  }
  return undefined;
}

/** The URL printed after `label` in the banner. */
export function urlAfter(label: string, output: string): string {
  const match = new RegExp(`^\\s*${label}\\s+(http://\\S+)`, "m").exec(output);
  if (match?.[1] === undefined) throw new Error(`no "${label}" URL in:\n${output}`);
  return match[1];
}

/** Kills `command`'s process group and every recorded descendant still alive. */
export function killEverything(command: RunningCommand | undefined, pids: Iterable<number>): void {
  const pid = command?.child.pid;
  if (pid !== undefined) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const leftover of stillAlive(pids)) process.kill(leftover, "SIGKILL");
}
