/**
 * Every provider rule, proven end to end: the offline plan (`node infra/plan/cli.cjs`) run on a
 * stack file that breaks the rule exits 1 and prints the stack file and key, before any
 * resource is registered. The same cases are checked against the schema alone, one at a time,
 * in provider-rules.test.ts. Here cases that change unrelated keys of one stack share a stack
 * file, and so one plan: the program reports every problem of a stack file at once, and each
 * plan costs a whole program load.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cachedPlanCommand,
  planTestSecrets,
  runPlanCommand,
  type PlanCommandRun as PlanRun,
} from "../test/support/plan-command";
import { timeouts } from "../test/support/timeouts";
import { parseDocument } from "yaml";
import {
  committedStackText,
  providerRuleCases,
  type CommittedStack,
  type ProviderRuleCase,
} from "./provider-rules-cases";
import { secretKeys } from "./secret-keys";

const temporaryDirectory = mkdtempSync(join(tmpdir(), "provider-rules-plan-"));

/** Writes `text` as `Pulumi.<stack>.yaml` in a directory of its own; returns its path. */
function writeStackFile(name: string, stack: CommittedStack, text: string): string {
  const directory = join(temporaryDirectory, name);
  mkdirSync(directory);
  const file = join(directory, `Pulumi.${stack}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Whether one key path is the other or lies under it (writing both would lose one). */
function overlap(left: readonly (string | number)[], right: readonly (string | number)[]): boolean {
  return left.slice(0, right.length).every((part, index) => part === right[index]);
}

/** The cases in groups of one stack whose key paths do not overlap, in order. */
function groupCases(cases: readonly ProviderRuleCase[]): ProviderRuleCase[][] {
  const groups: ProviderRuleCase[][] = [];
  for (const ruleCase of cases) {
    const group = groups.find((candidates) =>
      candidates.every(
        (other) => other.stack === ruleCase.stack && !overlap(other.path, ruleCase.path),
      ),
    );
    if (group === undefined) groups.push([ruleCase]);
    else group.push(ruleCase);
  }
  return groups;
}

/** The committed stack file of the group's stack with every case's value written in. */
function stackTextForGroup(group: readonly ProviderRuleCase[]): string {
  const [first] = group;
  if (first === undefined) throw new Error("an empty group of provider rule cases");
  const document = parseDocument(committedStackText(first.stack));
  for (const ruleCase of group) document.setIn(["config", ...ruleCase.path], ruleCase.value);
  return document.toString();
}

const committedStacks = ["staging", "production"] as const;
const ruleRuns = new Map<string, PlanRun>();
const committedRuns = new Map<CommittedStack, PlanRun>();

beforeAll(async () => {
  // A broken stack file stops the program before any resource is registered: type checks are
  // skipped, as the Pulumi CLI allows, to keep each run short.
  const ruleTasks = groupCases(providerRuleCases).map(async (group, index) => {
    const stack = group[0]?.stack ?? "staging";
    const file = writeStackFile(`rules-${index}`, stack, stackTextForGroup(group));
    const run = await runPlanCommand(["--stack", stack, "--config-file", file], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    });
    for (const ruleCase of group) ruleRuns.set(ruleCase.rule, run);
  });
  // The committed stacks' plans are the ones plan.test.ts runs: shared, run once per suite.
  const secretsEnvironment = {
    PLATFORM_PLAN_SECRETS: JSON.stringify(planTestSecrets(secretKeys.map(({ key }) => key))),
  };
  const committedTasks = committedStacks.map(async (stack) => {
    committedRuns.set(
      stack,
      await cachedPlanCommand(["--stack", stack, "--json"], secretsEnvironment),
    );
  });
  // How many run at once is the suite-wide plan limit's business (test/support/plan-cache.ts).
  await Promise.all([...committedTasks, ...ruleTasks]);
}, timeouts.planHook);

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
