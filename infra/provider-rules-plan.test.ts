/**
 * Every provider rule, proven end to end: the offline plan (`node infra/plan/cli.cjs`) run on a
 * stack file that breaks the rule exits 1 and prints the stack file and key, before any
 * resource is registered. The same cases are checked against the schema alone in
 * provider-rules.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  committedStackText,
  providerRuleCases,
  stackTextFor,
  type CommittedStack,
} from "./provider-rules-cases";

const repositoryRoot = join(__dirname, "..");
const cli = join(__dirname, "plan", "cli.cjs");

interface PlanRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the plan CLI on a stack file, skipping type checks as the Pulumi CLI allows. */
function runPlan(stack: CommittedStack, configFile: string): Promise<PlanRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "--stack", stack, "--config-file", configFile],
      {
        cwd: repositoryRoot,
        env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** Runs `tasks` with at most `limit` of them at once (each plan loads the whole program). */
async function runLimited<Result>(
  tasks: readonly (() => Promise<Result>)[],
  limit: number,
): Promise<Result[]> {
  const results: Result[] = new Array<Result>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next;
      next += 1;
      results[index] = await (tasks[index] as () => Promise<Result>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const temporaryDirectory = mkdtempSync(join(tmpdir(), "provider-rules-plan-"));

/** Writes `text` as `Pulumi.<stack>.yaml` in a directory of its own; returns its path. */
function writeStackFile(name: string, stack: CommittedStack, text: string): string {
  const directory = join(temporaryDirectory, name);
  mkdirSync(directory);
  const file = join(directory, `Pulumi.${stack}.yaml`);
  writeFileSync(file, text);
  return file;
}

const committedStacks = ["staging", "production"] as const;
const ruleRuns = new Map<string, PlanRun>();
const committedRuns = new Map<CommittedStack, PlanRun>();

beforeAll(async () => {
  const ruleTasks = providerRuleCases.map((ruleCase, index) => {
    const file = writeStackFile(`rule-${index}`, ruleCase.stack, stackTextFor(ruleCase));
    return async () => ruleRuns.set(ruleCase.rule, await runPlan(ruleCase.stack, file));
  });
  const committedTasks = committedStacks.map((stack) => {
    const file = writeStackFile(`committed-${stack}`, stack, committedStackText(stack));
    return async () => committedRuns.set(stack, await runPlan(stack, file));
  });
  // The machine running the suite has two cores.
  await runLimited([...committedTasks, ...ruleTasks], 2);
}, 600_000);

afterAll(() => {
  rmSync(temporaryDirectory, { recursive: true, force: true });
});

describe("the offline plan on a stack file that breaks a provider rule", () => {
  it.each(providerRuleCases.map((ruleCase) => [ruleCase.rule, ruleCase] as const))(
    "exits 1 naming the file and key: %s",
    (rule, ruleCase) => {
      const run = ruleRuns.get(rule);
      expect({ exitCode: run?.exitCode, printed: run?.stderr.includes(ruleCase.expected) }).toEqual(
        { exitCode: 1, printed: true },
      );
    },
  );
});

describe("the offline plan on the committed stack files", () => {
  it.each(committedStacks)("plans Pulumi.%s.yaml without a config error", (stack) => {
    const run = committedRuns.get(stack);
    const configErrors = (run?.stderr ?? "")
      .split("\n")
      .filter((line) => line.startsWith(`Pulumi.${stack}.yaml: `));
    expect({ exitCode: run?.exitCode, configErrors }).toEqual({ exitCode: 0, configErrors: [] });
  });
});
