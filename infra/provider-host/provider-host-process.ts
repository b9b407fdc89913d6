// Starts the dynamic provider host as the engine does. The engine resolves the plugin
// `pulumi-resource-pulumi-nodejs`, a shell script shipped with the CLI
// (sdk/nodejs/dist/pulumi-resource-pulumi-nodejs) that runs
// `node $(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") "$@"`, with
// the engine's address as the argument and the program directory as working directory
// (sdk/go/common/resource/plugin/plugin.go `ExecPlugin`: `cmd.Dir = pwd`). The plugin prints its
// gRPC port as the first line of stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import type { ProgramLaunch } from "./program-launch";

/** A running dynamic provider host. */
export interface ProviderHostProcess {
  /** `127.0.0.1:<port>`, as printed by the host. */
  address: string;
  /** The script that was run: the project's `@pulumi/pulumi/cmd/dynamic-provider`. */
  script: string;
  /** The working directory it was started in. */
  workingDirectory: string;
  /** What it wrote to stderr so far (stack traces of failed operations). */
  stderr(): string;
  /** Ends the process (the engine kills plugins when a deployment ends) and waits for it. */
  stop(): Promise<void>;
}

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
  /** Working directory and environment, from {@link programLaunch}. */
  launch: ProgramLaunch;
  /** The engine's gRPC address, the plugin's argument. */
  engineAddress: string;
  /**
   * How long to wait for the port line before giving up, in milliseconds.
   * @default 60000
   */
  startTimeoutMilliseconds?: number;
}

/**
 * The host script as the plugin's shell wrapper finds it: `require.resolve` run by `node` in the
 * program directory, which finds the project's own `node_modules`.
 * @param programDirectory - the working directory of the plugin.
 */
export function dynamicProviderScript(programDirectory: string): string {
  const resolveFrom = createRequire(`${programDirectory}/`);
  return resolveFrom.resolve("@pulumi/pulumi/cmd/dynamic-provider");
}

/**
 * Starts the host and resolves once it printed its port.
 * @param options - see {@link ProviderHostOptions}.
 */
export async function startProviderHost(
  options: ProviderHostOptions,
): Promise<ProviderHostProcess> {
  const workingDirectory = options.launch.programDirectory;
  const script = dynamicProviderScript(workingDirectory);
  const child = spawn(process.execPath, [script, options.engineAddress], {
    cwd: workingDirectory,
    env: { ...process.env, ...options.launch.environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const port = await firstLine(child, options.startTimeoutMilliseconds ?? 60_000, () => stderr);
  if (!/^\d+$/.test(port)) {
    child.kill();
    throw new Error(
      `the dynamic provider host printed "${port}" instead of a port; stderr: ${stderr}`,
    );
  }
  return {
    address: `127.0.0.1:${port}`,
    script,
    workingDirectory,
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
}

function firstLine(
  child: ChildProcess,
  timeoutMilliseconds: number,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error("the dynamic provider host has no stdout"));
      return;
    }
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(
          `the dynamic provider host printed no port within ${timeoutMilliseconds} ms; stderr: ${stderr()}`,
        ),
      );
    }, timeoutMilliseconds);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the dynamic provider host exited with ${code} before printing its port; stderr: ${stderr()}`,
        ),
      );
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill();
  });
}
