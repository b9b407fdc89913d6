// The plan's command line and the inputs it reads before anything runs.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PlanUsageError } from "./plan-usage-error";

/** The environment variable holding secret values for the plan (JSON object). */
export const planSecretsVariable = "PLATFORM_PLAN_SECRETS";

/** `npm run plan -- --help`. */
export const usage = `Usage: npm run plan -- (--stack NAME | --all) [--json] [--config-file PATH]
       npm run plan -- --providers [--stack NAME]

Shows, offline and without any account, every resource \`pulumi up --stack NAME\` would register.
Runs infra/ exactly as the Pulumi CLI and its Node.js language host would (working directory,
arguments, environment from Pulumi.yaml; @pulumi/pulumi/cmd/run in a child process) against an
in-repo engine that records every registration. Secrets print as [secret]; values the
providers compute print as [unknown].

  --stack NAME        the stack (Pulumi.NAME.yaml)
  --all               plan every Pulumi.*.yaml and fail when two stacks would own the same
                      physical thing (Worker, KV namespace, Vercel project, ...)
  --json              print one JSON document: {stack, resources, outputs, secretsNotSet}
                      (with --all: {stacks: [...], collisions: [...]})
  --config-file PATH  read PATH in place of Pulumi.NAME.yaml (errors still name Pulumi.NAME.yaml)
  --providers         instead of planning, run the Supabase dynamic providers through the real
                      provider host (@pulumi/pulumi/cmd/dynamic-provider) against a loopback
                      Management API: create, diff, update, drift, refresh, token rotation, delete
  --cwd DIR           plan the project in DIR (as \`pulumi -C DIR\`); default: this repository

Environment:
  ${planSecretsVariable}  JSON object of secret values, used as if set with --secret
  PULUMI_NODEJS_TRANSPILE_ONLY=true  skip type checking, as with the Pulumi CLI
`;

/** The parsed command line. */
export interface PlanArguments {
  /** The folder holding Pulumi.yaml: `--cwd`, else the repository. */
  rootDirectory: string;
  /** The stacks to plan: one with `--stack`, every stack file with `--all`. */
  stacks: string[];
  /** `--all`: also check that no two stacks collide. */
  all: boolean;
  /** `--json`. */
  json: boolean;
  /** `--config-file`. */
  configFile: string | undefined;
  /** `--providers`: run the provider-host checks instead of the plan. */
  providers: boolean;
}

/** Stack names with a `Pulumi.<name>.yaml` in the project folder, sorted. */
export function knownStacks(rootDirectory: string): string[] {
  return readdirSync(rootDirectory)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => match[1] ?? "")
    .sort();
}

/** Reads the command line; `undefined` means `--help`. */
export function parsePlanArguments(
  argv: readonly string[],
  defaultRootDirectory: string,
): PlanArguments | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        all: { type: "boolean", default: false },
        providers: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "config-file": { type: "string" },
        cwd: { type: "string", short: "C" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new PlanUsageError(
      `${error instanceof Error ? error.message : String(error)}\n\n${usage}`,
    );
  }
  const { values } = parsed;
  if (values.help === true) {
    return undefined;
  }
  const configFile = values["config-file"];
  const rootDirectory = values.cwd === undefined ? defaultRootDirectory : resolve(values.cwd);
  if (!existsSync(join(rootDirectory, "Pulumi.yaml"))) {
    throw new PlanUsageError(`${join(rootDirectory, "Pulumi.yaml")} does not exist`);
  }
  const providers = values.providers === true;
  if (providers && (values.all === true || configFile !== undefined || values.json === true)) {
    throw new PlanUsageError(`--providers takes only --stack\n\n${usage}`);
  }
  if (providers) {
    return {
      rootDirectory,
      stacks: [values.stack ?? "staging"],
      all: false,
      json: false,
      configFile,
      providers,
    };
  }
  if (values.all === true) {
    if (values.stack !== undefined || configFile !== undefined) {
      throw new PlanUsageError(
        `--all plans every stack file: drop --stack and --config-file\n\n${usage}`,
      );
    }
    return {
      rootDirectory,
      stacks: knownStacks(rootDirectory),
      all: true,
      json: values.json === true,
      configFile,
      providers,
    };
  }
  const stack = values.stack;
  if (stack === undefined || stack === "") {
    throw new PlanUsageError(`--stack or --all is required\n\n${usage}`);
  }
  const stackFile = `Pulumi.${stack}.yaml`;
  if (configFile === undefined && !existsSync(join(rootDirectory, stackFile))) {
    throw new PlanUsageError(
      `Unknown stack "${stack}": ${stackFile} does not exist (stacks: ${knownStacks(rootDirectory).join(", ")})`,
    );
  }
  if (configFile !== undefined && !existsSync(configFile)) {
    throw new PlanUsageError(`--config-file ${configFile} does not exist`);
  }
  return {
    rootDirectory,
    stacks: [stack],
    all: false,
    json: values.json === true,
    configFile,
    providers,
  };
}

/** Secret values from {@link planSecretsVariable}, checked to be an object of strings. */
export function planSecrets(
  environment: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const raw = environment[planSecretsVariable];
  if (raw === undefined || raw === "") {
    return {};
  }
  const problem = `${planSecretsVariable} must be a JSON object of "namespace:key": "value"`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new PlanUsageError(problem);
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((value) => typeof value !== "string")
  ) {
    throw new PlanUsageError(problem);
  }
  return parsed as Record<string, string>;
}
