// One stack's plan: start the in-repo engine, launch the program exactly as the language host
// would, and turn what the engine recorded into a Plan (or the errors the engine would report).
import { readFileSync } from "node:fs";
import { secretKeys } from "../secret-keys";
import { startEngineServer } from "./engine-server";
import { programLaunch } from "./language-host";
import type { ProjectFile } from "./project-file";
import type { Plan } from "./render";
import { exitVerdict, runProgram } from "./run-program";
import { engineConfigFromStackFile } from "./stack-config";

/** The value the plan passes for a secret the stack does not set; a secret, so never shown. */
export const secretNotSetPlaceholder = "secret-not-set";

/** What {@link planStack} needs. */
export interface PlanStackOptions {
  /** The project as read from Pulumi.yaml. */
  project: ProjectFile;
  /** The stack name. */
  stack: string;
  /** The stack file's name, used in every message. @example "Pulumi.staging.yaml" */
  stackFile: string;
  /** Where to read the config from (the stack file, or `--config-file`). */
  configPath: string;
  /** Secret values used as if set with `pulumi config set --secret`. */
  secretOverrides: Readonly<Record<string, string>>;
  /** The environment the program inherits (the user's, as with the Pulumi CLI). */
  environment: Readonly<Record<string, string | undefined>>;
}

/** A plan, or why the engine would have stopped. */
export type PlanOutcome =
  | {
      /** The program ran to the end. */
      ok: true;
      /** What `pulumi up` would register. */
      plan: Plan;
      /** Info and warning messages the program logged, as `info: ...` and `warning: ...`. */
      diagnostics: string[];
    }
  | {
      /** The engine would have failed the update. */
      ok: false;
      /** Every reason, in the order the engine got them. */
      errors: string[];
      /** What the program printed, for context. */
      output: string;
    };

/** Runs one stack's program against the in-repo engine. */
export async function planStack(options: PlanStackOptions): Promise<PlanOutcome> {
  const stackConfig = engineConfigFromStackFile(readFileSync(options.configPath, "utf8"), {
    stackFile: options.stackFile,
    projectName: options.project.name,
    secretOverrides: options.secretOverrides,
  });
  const secretsNotSet = secretKeys
    .map((secret) => secret.key)
    .filter((key) => stackConfig.values[key] === undefined);
  // The plan has none of the user's secrets: each unset one is passed as if set with
  // `pulumi config set --secret` to a placeholder, so the program runs unchanged, and listed.
  const config = {
    values: {
      ...stackConfig.values,
      ...Object.fromEntries(secretsNotSet.map((key) => [key, secretNotSetPlaceholder])),
    },
    secretKeys: [...stackConfig.secretKeys, ...secretsNotSet],
  };
  const engine = await startEngineServer({
    project: options.project.name,
    stack: options.stack,
  });
  try {
    const exit = await runProgram(
      programLaunch(
        {
          project: options.project,
          stack: options.stack,
          config,
          engineAddress: engine.address,
        },
        options.environment,
      ),
    );
    const errors = [
      ...engine.refusals,
      ...engine.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message),
    ];
    const verdict = exitVerdict(exit);
    if (verdict !== undefined && verdict !== "") {
      errors.push(verdict);
    }
    if (verdict !== undefined || errors.length > 0) {
      return { ok: false, errors, output: exit.output };
    }
    const { resources, outputs } = engine.recorder;
    const stackResource = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
    return {
      ok: true,
      diagnostics: engine.logs
        .filter((entry) => entry.severity === "info" || entry.severity === "warning")
        .map((entry) => `${entry.severity}: ${entry.message}`),
      plan: {
        stack: options.stack,
        stackFile: options.stackFile,
        resources: [
          ...resources.filter((resource) => resource === stackResource),
          ...resources.filter((resource) => resource !== stackResource),
        ],
        outputs: stackResource ? (outputs.get(stackResource.urn)?.redactedOutputs ?? {}) : {},
        secretsNotSet,
      },
    };
  } finally {
    await engine.stop();
  }
}
