import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { secretKeys } from "../secret-keys";
import type { PreparedPlan } from "./prepare-engine.cjs";
import { installRecordingMocks } from "./recording-mocks";
import { planToJson, renderPlanText, type Plan } from "./render";

/**
 * The program path as the language host computes it: Pulumi.yaml `main`, else package.json
 * `main`, else the project folder; a folder gets a trailing slash so `require` loads its index.
 */
export function programPath(repositoryRoot: string, projectMain: string | undefined): string {
  let program = repositoryRoot;
  if (projectMain !== undefined) {
    program = resolve(repositoryRoot, projectMain);
  } else {
    const packageJson = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
      main?: unknown;
    };
    if (
      typeof packageJson.main === "string" &&
      existsSync(join(repositoryRoot, packageJson.main))
    ) {
      program = join(repositoryRoot, packageJson.main);
    }
  }
  if (statSync(program).isDirectory() && !program.endsWith("/")) {
    program = `${program}/`;
  }
  return program;
}

/** Sends anything the program prints to stderr, so `--json` stdout stays one document. */
function redirectStdout(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

/** Config and usage errors are for the user: their message says everything, a trace adds noise. */
export function errorMessage(error: unknown): string {
  if (pulumi.RunError.isInstance(error)) {
    return error.message;
  }
  if (error instanceof Error) {
    const forTheUser = error.name === "StackConfigError" || error.name === "TSError";
    return forTheUser ? error.message : (error.stack ?? error.message);
  }
  return String(error);
}

/**
 * Runs the program under the mock runtime and prints the plan; resolves with the exit code.
 * The engine's environment must already be set and the TypeScript loader registered
 * (cli.cjs does both, in that order, as the Pulumi CLI and language host do).
 */
export async function runPlan(prepared: PreparedPlan, repositoryRoot: string): Promise<number> {
  let failure: unknown;
  const recordFailure = (error: unknown) => {
    failure ??= error;
  };
  // As under the language host, an error in an apply callback fails the run.
  process.on("unhandledRejection", recordFailure);
  process.on("uncaughtException", recordFailure);
  const recorder = installRecordingMocks({
    project: prepared.projectName,
    stack: prepared.stack,
    preview: true,
  });
  const restoreStdout = redirectStdout();
  try {
    const program = programPath(repositoryRoot, prepared.projectMain);
    await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the language host loads CommonJS programs with require
      const exported: unknown = require(program);
      return exported instanceof Function ? await exported() : exported;
    });
    await recorder.settled();
  } catch (error) {
    recordFailure(error);
  } finally {
    restoreStdout();
  }
  if (failure !== undefined) {
    process.stderr.write(`${errorMessage(failure)}\n`);
    return 1;
  }

  const stackResource = recorder.resources.find(
    (resource) => resource.type === "pulumi:pulumi:Stack",
  );
  const plan: Plan = {
    stack: prepared.stack,
    stackFile: prepared.stackFile,
    resources: [
      ...recorder.resources.filter((resource) => resource === stackResource),
      ...recorder.resources.filter((resource) => resource !== stackResource),
    ],
    outputs: stackResource ? (recorder.outputs.get(stackResource.urn)?.redactedOutputs ?? {}) : {},
    secretsNotSet: secretKeys
      .map((secret) => secret.key)
      .filter((key) => prepared.engineConfig.values[key] === undefined),
  };
  process.stdout.write(
    prepared.json ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan),
  );
  return 0;
}
