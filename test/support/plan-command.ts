import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The repository root. */
export const repositoryRoot = join(__dirname, "..", "..");

/** How one `npm run plan` ended. */
export interface PlanCommandRun {
  /** The process's exit code. */
  exitCode: number;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/**
 * Runs the plan command (`node infra/plan/cli.cjs`, what `npm run plan` runs) with `argv`, the
 * test's environment plus `environment`, and resolves with how it ended; never rejects.
 */
export function runPlanCommand(
  argv: readonly string[],
  environment: Readonly<Record<string, string>> = {},
): Promise<PlanCommandRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repositoryRoot, "infra", "plan", "cli.cjs"), ...argv],
      {
        cwd: repositoryRoot,
        env: { ...process.env, ...environment },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/**
 * Copies a project folder into a new temporary directory with `node_modules` linked to the
 * repository's, so the plan can run it; returns the directory and a function removing it.
 */
export function temporaryProject(source: string): { directory: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), "plan-project-"));
  cpSync(source, directory, { recursive: true });
  symlinkSync(join(repositoryRoot, "node_modules"), join(directory, "node_modules"), "dir");
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
