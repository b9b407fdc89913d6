// `npm run plan`: reads the command line, plans each stack against the in-repo engine, prints
// the plans (and, with --all, the collisions between stacks). Resolves with the exit code.
import { join } from "node:path";
import type * as ProviderHostChecks from "../provider-host/run-checks";
import { parsePlanArguments, planSecrets, usage } from "./cli-arguments";
import { findCollisions, renderCollisions } from "./collisions";
import { readProjectFile } from "./project-file";
import { planToJson, renderPlanText } from "./render";
import { planStack, type PlanOutcome } from "./run-plan";

/** Runs the plan command; never throws: usage and program errors become exit code 1. */
export async function main(
  argv: readonly string[],
  defaultRootDirectory: string,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const write = (text: string) => process.stdout.write(text);
  const fail = (text: string) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  try {
    const planArguments = parsePlanArguments(argv, defaultRootDirectory);
    if (planArguments === undefined) {
      write(usage);
      return 0;
    }
    const { rootDirectory } = planArguments;
    if (planArguments.providers) {
      const [stack = "staging"] = planArguments.stacks;
      // Loaded only here (the provider host's gRPC client is not needed to plan), with require:
      // the plan runs as CommonJS through tsx, whose require hook resolves TypeScript.
      const { runProviderHostChecks } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../provider-host/run-checks") as typeof ProviderHostChecks;
      return await runProviderHostChecks(stack);
    }
    const project = readProjectFile(rootDirectory);
    const secretOverrides = planSecrets(environment);
    // Each stack is its own engine and program process, as with `pulumi up` per stack.
    const outcomes: Array<{ stack: string; outcome: PlanOutcome }> = await Promise.all(
      planArguments.stacks.map(async (stack) => ({
        stack,
        outcome: await planStack({
          project,
          stack,
          stackFile: `Pulumi.${stack}.yaml`,
          configPath: planArguments.configFile ?? join(rootDirectory, `Pulumi.${stack}.yaml`),
          secretOverrides,
          environment,
        }),
      })),
    );
    let exitCode = 0;
    for (const { stack, outcome } of outcomes) {
      if (!outcome.ok) {
        exitCode = 1;
        const prefix = planArguments.all ? `${stack}: ` : "";
        if (outcome.output.trim() !== "") {
          fail(outcome.output);
        }
        fail(outcome.errors.map((error) => `${prefix}${error}`).join("\n"));
      } else {
        for (const diagnostic of outcome.diagnostics) {
          fail(diagnostic);
        }
      }
    }
    const plans = outcomes.flatMap(({ outcome }) => (outcome.ok ? [outcome.plan] : []));
    if (!planArguments.all) {
      const [plan] = plans;
      if (plan !== undefined) {
        write(
          planArguments.json
            ? `${JSON.stringify(planToJson(plan), null, 2)}\n`
            : renderPlanText(plan),
        );
      }
      return exitCode;
    }
    const collisions = exitCode === 0 ? findCollisions(plans) : [];
    if (collisions.length > 0) {
      fail(renderCollisions(collisions));
      exitCode = 1;
    }
    if (planArguments.json) {
      write(`${JSON.stringify({ stacks: plans.map(planToJson), collisions }, null, 2)}\n`);
    } else {
      for (const plan of plans) {
        write(renderPlanText(plan));
      }
      if (exitCode === 0) {
        write(`\n${plans.length} stacks planned; no two own the same physical resource.\n`);
      }
    }
    return exitCode;
  } catch (error) {
    const forTheUser = error instanceof Error && error.name === "PlanUsageError";
    fail(
      `plan: ${forTheUser ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}
