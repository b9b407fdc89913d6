import type { EngineConfig } from "./engine-config.cjs";

/** Environment variable holding secret values for a plan run: a JSON object `{ "ns:key": "value" }`. */
export declare const planSecretsVariable: string;
/** The plan's `--help` text. */
export declare const usage: string;

/** A command line or stack the plan cannot run with; printed without a stack trace. */
export declare class PlanUsageError extends Error {}

/** Parsed command line of the plan. */
export interface PlanArguments {
  /** The stack name. */
  stack: string;
  /** Print JSON instead of the tree. */
  json: boolean;
  /** A file to read in place of `Pulumi.<stack>.yaml`. */
  configFile: string | undefined;
}

/** Reads the command line; `undefined` means "print the usage". */
export declare function parsePlanArguments(argv: readonly string[]): PlanArguments | undefined;

/** The stacks that have a stack file in the repository. */
export declare function knownStacks(repositoryRoot: string): string[];

/** A plan ready to run: the engine's environment is set. */
export interface PreparedPlan {
  /** The stack name. */
  stack: string;
  /** Print JSON instead of the tree. */
  json: boolean;
  /** `Pulumi.<stack>.yaml`. */
  stackFile: string;
  /** `name:` of Pulumi.yaml. */
  projectName: string;
  /** `main:` of Pulumi.yaml, when set. */
  projectMain: string | undefined;
  /** The config as passed to the program. */
  engineConfig: EngineConfig;
}

/**
 * Parses the command line, reads the stack file and sets `PULUMI_CONFIG`,
 * `PULUMI_CONFIG_SECRET_KEYS` and the `PULUMI_NODEJS_*` variables on `environment`.
 * Returns `{ help }` for `--help`; throws {@link PlanUsageError} for an unknown stack.
 */
export declare function prepareEngine(
  argv: readonly string[],
  repositoryRoot: string,
  environment: NodeJS.ProcessEnv,
): PreparedPlan | { help: string };
