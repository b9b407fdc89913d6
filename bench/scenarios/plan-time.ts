import { spawn } from "node:child_process";
import { join } from "node:path";
import { repositoryRoot } from "../../test/support/repository-root";

/** Wall time of `npm run plan -- --stack NAME --json` for one stack. */
export interface PlanTime {
  /** Stack name. */
  stack: string;
  /** Wall time, ms. */
  ms: number;
  /** Whether the plan exited 0. */
  ok: boolean;
  /** Resources in the JSON plan, when it could be read. */
  resources?: number;
  /** The end of stderr when it failed. */
  error?: string;
}

/** Runs the offline plan (the same command as `npm run plan`, without npm's own start-up) and times it. */
export function measurePlan(stack: string): Promise<PlanTime> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(repositoryRoot, "infra/plan/cli.cjs"), "--stack", stack, "--json"],
      {
        cwd: repositoryRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.once("exit", (code) => {
      clearTimeout(killer);
      const ms = performance.now() - started;
      let resources: number | undefined;
      try {
        const plan = JSON.parse(stdout) as { resources?: unknown[] } | unknown[];
        resources = Array.isArray(plan)
          ? plan.length
          : Array.isArray(plan.resources)
            ? plan.resources.length
            : undefined;
      } catch {
        resources = undefined;
      }
      resolve({
        stack,
        ms,
        ok: code === 0,
        ...(resources === undefined ? {} : { resources }),
        ...(code === 0 ? {} : { error: stderr.trim().split("\n").slice(-3).join(" ") }),
      });
    });
  });
}
