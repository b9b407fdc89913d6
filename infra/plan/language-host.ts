// What Pulumi's Node.js language host does to start a program, as a pure function of the
// project file and the run: sdk/nodejs/cmd/pulumi-language-nodejs/main.go (Run, execRuntime,
// constructArguments, constructConfig, constructConfigSecretKeys). The engine starts the language
// host in the program directory (pkg/engine/project.go getPwdMain), and the host starts Node.js
// there with `@pulumi/pulumi/cmd/run` resolved from that directory (locateModule).
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parse as parseShellWords } from "shell-quote";
import type { ProjectFile } from "./project-file";
import { PlanUsageError } from "./plan-usage-error";
import { languageHostConfig, type EngineConfig } from "./stack-config";

/** One run of the program, as the engine asks the language host for it (RunRequest). */
export interface ProgramRun {
  /** The project as read from Pulumi.yaml. */
  project: ProjectFile;
  /** The stack name (`--stack`). */
  stack: string;
  /** The stack's config and secret keys. */
  config: EngineConfig;
  /** `--monitor` and `--engine`: the in-repo engine's loopback address. */
  engineAddress: string;
  /** A preview (`--dry-run`); `pulumi up` runs the program once as a preview first. @default true */
  dryRun?: boolean;
}

/** The child process the language host would start. */
export interface ProgramLaunch {
  /** The working directory: the program directory. */
  cwd: string;
  /** `node` arguments: `nodeargs`, then the run module and its flags, then the entry point. */
  args: string[];
  /** The environment: the caller's, plus what the language host adds. */
  env: Record<string, string>;
}

/** The CLI's default `--parallel`: four per processor, or `PULUMI_PARALLEL` (cmd/pulumi/operations/up.go). */
export function defaultParallel(environment: Readonly<Record<string, string | undefined>>): number {
  const configured = Number.parseInt(environment["PULUMI_PARALLEL"] ?? "", 10);
  return configured > 0 ? configured : availableParallelism() * 4;
}

/** Splits `nodeargs` into words like a POSIX shell, refusing operators (`|`, `;`, ...). */
export function splitNodeArguments(nodeargs: string): string[] {
  return parseShellWords(nodeargs, (name) => `$${name}`).map((word) => {
    if (typeof word !== "string") {
      throw new PlanUsageError(
        `Pulumi.yaml: runtime.options.nodeargs cannot be split: ${nodeargs}`,
      );
    }
    return word;
  });
}

/** Resolves `@pulumi/pulumi/cmd/run` from the program directory, as `locateModule` does. */
export function locateRunModule(programDirectory: string): string {
  try {
    return createRequire(join(programDirectory, "noop.js")).resolve("@pulumi/pulumi/cmd/run");
  } catch {
    throw new PlanUsageError(
      `could not find @pulumi/pulumi/cmd/run from ${programDirectory}: run npm install first`,
    );
  }
}

/** The command line, working directory and environment the language host would use. */
export function programLaunch(
  run: ProgramRun,
  environment: Readonly<Record<string, string | undefined>>,
): ProgramLaunch {
  const { project } = run;
  const flags: string[] = [
    "--monitor",
    run.engineAddress,
    "--engine",
    run.engineAddress,
    "--project",
    project.name,
    "--root-directory",
    project.rootDirectory,
    "--stack",
    run.stack,
    "--pwd",
    project.programDirectory,
  ];
  if (run.dryRun ?? true) {
    flags.push("--dry-run");
  }
  flags.push("--parallel", String(defaultParallel(environment)));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  env["PULUMI_CONFIG"] = languageHostConfig(run.config.values);
  env["PULUMI_CONFIG_SECRET_KEYS"] = JSON.stringify(run.config.secretKeys);
  if (project.runtimeOptions.typescript) {
    env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  }
  if (project.runtimeOptions.tsconfig !== undefined) {
    env["PULUMI_NODEJS_TSCONFIG_PATH"] = project.runtimeOptions.tsconfig;
  }
  return {
    cwd: project.programDirectory,
    args: [
      ...splitNodeArguments(project.runtimeOptions.nodeargs),
      locateRunModule(project.programDirectory),
      ...flags,
      project.entryPoint,
    ],
    env,
  };
}
