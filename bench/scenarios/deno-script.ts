import { spawn } from "node:child_process";
import { denoBinary } from "../../test/support/gateway-process";
import { repositoryRoot } from "../../test/support/repository-root";

/**
 * Runs a benchmark script under Deno (the gateway's runtime) in a fresh process and parses the JSON
 * object it prints as its last stdout line. The process runs in its own group, is killed after
 * `timeoutMs`, and sees only `PATH`, `HOME` and `DENO_DIR` of this environment.
 * @param script path from the repository root, e.g. "bench/scenarios/hashing.deno.mts".
 * @param scriptArguments arguments after the script.
 * @param timeoutMs bound on the whole run.
 * @param v8Flags V8 flags besides `--expose-gc` (which lets the script collect before measuring).
 * @default v8Flags []
 * @example runDenoScript("bench/scenarios/memory-store.deno.mts", ["bounded"], 60_000, ["--max-old-space-size=128"])
 */
export function runDenoScript<Result>(
  script: string,
  scriptArguments: string[],
  timeoutMs: number,
  v8Flags: readonly string[] = [],
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      denoBinary,
      [
        "run",
        "--config",
        "functions/deno.json",
        "--no-prompt",
        "--allow-read",
        "--allow-env",
        `--v8-flags=${["--expose-gc", ...v8Flags].join(",")}`,
        script,
        ...scriptArguments,
      ],
      {
        cwd: repositoryRoot,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/root",
          ...(process.env.DENO_DIR === undefined ? {} : { DENO_DIR: process.env.DENO_DIR }),
          DENO_NO_UPDATE_CHECK: "1",
          NO_COLOR: "1",
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const killer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(killer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || last === "") {
        reject(
          new Error(
            `${script} ${signal === "SIGKILL" ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`}: ${stderr.trim().slice(-2000)}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(last) as Result);
      } catch (error) {
        reject(new Error(`${script} printed no JSON: ${String(error)}: ${last.slice(0, 200)}`));
      }
    });
  });
}
