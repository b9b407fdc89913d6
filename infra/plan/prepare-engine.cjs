// First step of the offline plan, before the SDK is touched: read the command line and the stack
// file, and put the config where the Pulumi engine puts it for a Node.js program (environment
// variables the SDK reads once, on first use). Plain CommonJS for that reason.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { parse } = require("yaml");
const { engineConfigFromStackFile } = require("./engine-config.cjs");

const planSecretsVariable = "PLATFORM_PLAN_SECRETS";

const usage = `Usage: npm run plan -- --stack NAME [--json] [--config-file PATH]

Shows, offline and without any account, every resource \`pulumi up --stack NAME\` would register.
Loads infra/ the way the Pulumi CLI does, under the SDK's mock runtime, with the config of
Pulumi.NAME.yaml. Secrets print as [secret]; values the providers compute print as [unknown].

  --stack NAME        the stack (Pulumi.NAME.yaml)
  --json              print one JSON document: {stack, resources, outputs, secretsNotSet}
  --config-file PATH  read PATH in place of Pulumi.NAME.yaml (errors still name Pulumi.NAME.yaml)

Environment:
  ${planSecretsVariable}  JSON object of secret values, used as if set with --secret
  PULUMI_NODEJS_TRANSPILE_ONLY=true  skip type checking, as with the Pulumi CLI
`;

class PlanUsageError extends Error {
  constructor(message) {
    super(message);
    this.name = "PlanUsageError";
  }
}

function parsePlanArguments(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        json: { type: "boolean", default: false },
        "config-file": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new PlanUsageError(`${error.message}\n\n${usage}`);
  }
  if (parsed.values.help) {
    return undefined;
  }
  const stack = parsed.values.stack;
  if (stack === undefined || stack === "") {
    throw new PlanUsageError(`--stack is required\n\n${usage}`);
  }
  return { stack, json: parsed.values.json === true, configFile: parsed.values["config-file"] };
}

function knownStacks(repositoryRoot) {
  return fs
    .readdirSync(repositoryRoot)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => match[1])
    .sort();
}

function readProjectFile(repositoryRoot) {
  const document = parse(fs.readFileSync(path.join(repositoryRoot, "Pulumi.yaml"), "utf8")) ?? {};
  if (typeof document.name !== "string") {
    throw new PlanUsageError("Pulumi.yaml: name must be the project name");
  }
  return {
    name: document.name,
    main: typeof document.main === "string" ? document.main : undefined,
  };
}

function secretOverrides(environment) {
  const raw = environment[planSecretsVariable];
  if (raw === undefined || raw === "") {
    return {};
  }
  const problem = `${planSecretsVariable} must be a JSON object of "namespace:key": "value"`;
  let parsed;
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
  return parsed;
}

function prepareEngine(argv, repositoryRoot, environment) {
  const planArguments = parsePlanArguments(argv);
  if (planArguments === undefined) {
    return { help: usage };
  }
  const { stack } = planArguments;
  const stackFile = `Pulumi.${stack}.yaml`;
  const configPath = planArguments.configFile ?? path.join(repositoryRoot, stackFile);
  if (!fs.existsSync(configPath)) {
    throw new PlanUsageError(
      planArguments.configFile === undefined
        ? `Unknown stack "${stack}": ${stackFile} does not exist (stacks: ${knownStacks(repositoryRoot).join(", ")})`
        : `--config-file ${planArguments.configFile} does not exist`,
    );
  }
  const project = readProjectFile(repositoryRoot);
  let engineConfig;
  try {
    engineConfig = engineConfigFromStackFile(fs.readFileSync(configPath, "utf8"), {
      stackFile: planArguments.configFile === undefined ? stackFile : path.basename(configPath),
      projectName: project.name,
      secretOverrides: secretOverrides(environment),
    });
  } catch (error) {
    throw new PlanUsageError(error.message);
  }
  // What the engine sets for the language host.
  environment["PULUMI_CONFIG"] = JSON.stringify(engineConfig.values);
  environment["PULUMI_CONFIG_SECRET_KEYS"] = JSON.stringify(engineConfig.secretKeys);
  environment["PULUMI_NODEJS_PROJECT"] = project.name;
  environment["PULUMI_NODEJS_STACK"] = stack;
  environment["PULUMI_NODEJS_DRY_RUN"] = "true";
  environment["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  return {
    stack,
    json: planArguments.json,
    stackFile,
    projectName: project.name,
    projectMain: project.main,
    engineConfig,
  };
}

module.exports = {
  knownStacks,
  parsePlanArguments,
  planSecretsVariable,
  PlanUsageError,
  prepareEngine,
  usage,
};
