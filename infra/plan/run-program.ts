// Starts the program the way the language host does (execRuntime) and waits for it to end.
import { spawn } from "node:child_process";
import type { ProgramLaunch } from "./language-host";

/** How the program's process ended. */
export interface ProgramExit {
  /** The exit code; `null` when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** What it wrote to stdout and stderr, interleaved as received. */
  output: string;
}

/**
 * The run module's code for "the error was already shown to the user"
 * (`nodeJSProcessExitedAfterLoggingUserActionableMessage` in @pulumi/pulumi/cmd/run).
 */
export const exitedAfterLoggingUserActionableMessage = 32;

/** Runs `node` with the launch's arguments, in its directory and environment. */
export function runProgram(launch: ProgramLaunch): Promise<ProgramExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) =>
      resolve({ exitCode, signal, output: Buffer.concat(chunks).toString("utf8") }),
    );
  });
}

/**
 * The language host's verdict on an exit (execRuntime): `undefined` for success, `""` when
 * the program already logged what went wrong, else the message it reports.
 */
export function exitVerdict(exit: ProgramExit): string | undefined {
  if (exit.exitCode === 0) {
    return undefined;
  }
  if (exit.exitCode === exitedAfterLoggingUserActionableMessage) {
    return "";
  }
  return exit.exitCode === null
    ? `Program ended by signal ${String(exit.signal)}`
    : `Program exited with non-zero exit code: ${exit.exitCode}`;
}
