import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeOnce, inSlot, planCacheVariable, planConcurrency } from "./plan-cache";

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
 * test's environment plus `environment`, and resolves with how it ended; never rejects. Under
 * vitest, at most {@link planConcurrency} plans run at once across the suite; the others queue.
 */
export function runPlanCommand(
  argv: readonly string[],
  environment: Readonly<Record<string, string>> = {},
): Promise<PlanCommandRun> {
  const directory = process.env[planCacheVariable];
  if (directory === undefined) return spawnPlanCommand(argv, environment);
  return inSlot(join(directory, "slots"), planConcurrency(process.env), () =>
    spawnPlanCommand(argv, environment),
  );
}

const runsInThisProcess = new Map<string, Promise<PlanCommandRun>>();

/**
 * {@link runPlanCommand}, run once per distinct `argv` and `environment` for the whole suite:
 * test files asking for the same plan share one run. Only for plans of files that do not change
 * during the run (the committed program and stack files).
 */
export function cachedPlanCommand(
  argv: readonly string[],
  environment: Readonly<Record<string, string>> = {},
): Promise<PlanCommandRun> {
  const key = createHash("sha256")
    .update(JSON.stringify({ argv, environment: Object.entries(environment).sort() }))
    .digest("hex")
    .slice(0, 32);
  let run = runsInThisProcess.get(key);
  if (run === undefined) {
    const directory = process.env[planCacheVariable];
    run =
      directory === undefined
        ? runPlanCommand(argv, environment)
        : computeOnce(join(directory, "runs"), key, () => runPlanCommand(argv, environment));
    runsInThisProcess.set(key, run);
  }
  return run;
}

/**
 * The secret values the shared plans of the committed stacks are run with: distinctive plaintext
 * for every secret key, which must never appear in any output.
 */
export function planTestSecrets(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    keys.map((key, index) => [key, `plaintext-secret-${index}-${key.replace(":", "-")}`]),
  );
}

function spawnPlanCommand(
  argv: readonly string[],
  environment: Readonly<Record<string, string>>,
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
