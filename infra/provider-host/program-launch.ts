// What the engine derives from Pulumi.yaml before it starts the dynamic provider host: the working
// directory (pkg/engine/project.go `getPwdMain`: a `main` that is a directory becomes the working
// directory of the program and of every plugin) and the environment it adds for the
// `pulumi-nodejs` provider (pkg/resource/plugin/provider_plugin.go `NewProvider`: one
// `PULUMI_RUNTIME_<OPTION>` per runtime option, `PULUMI_NODEJS_PROJECT` and `PULUMI_PROJECT`).
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** How the engine would launch plugins for one Pulumi project. */
export interface ProgramLaunch {
  /** Folder holding Pulumi.yaml. */
  projectDirectory: string;
  /** Project `name`. */
  projectName: string;
  /** Working directory of the program and of its plugins. */
  programDirectory: string;
  /** Variables the engine adds to the plugin's environment. */
  environment: Record<string, string>;
}

interface ProjectFile {
  name?: unknown;
  main?: unknown;
  runtime?: unknown;
}

/**
 * Reads `Pulumi.yaml` the way the engine does for a launch.
 * @param projectDirectory - the folder holding Pulumi.yaml.
 */
export function programLaunch(projectDirectory: string): ProgramLaunch {
  const file = path.join(projectDirectory, "Pulumi.yaml");
  const project = parse(readFileSync(file, "utf8")) as ProjectFile;
  if (typeof project.name !== "string" || project.name.length === 0) {
    throw new Error(`${file}: \`name\` must be a non-empty string`);
  }
  const environment: Record<string, string> = {
    PULUMI_NODEJS_PROJECT: project.name,
    PULUMI_PROJECT: project.name,
  };
  for (const [option, value] of Object.entries(runtimeOptions(project.runtime))) {
    // Go's fmt.Sprintf("%v") of YAML scalars: booleans and numbers print as YAML wrote them.
    environment[`PULUMI_RUNTIME_${option.toUpperCase()}`] = String(value);
  }
  return {
    projectDirectory,
    projectName: project.name,
    programDirectory: workingDirectory(projectDirectory, project.main, file),
    environment,
  };
}

function runtimeOptions(runtime: unknown): Record<string, unknown> {
  if (typeof runtime !== "object" || runtime === null) return {};
  const options = (runtime as { options?: unknown }).options;
  return typeof options === "object" && options !== null
    ? (options as Record<string, unknown>)
    : {};
}

/** `getPwdMain`: the main directory itself, or the folder of a main file. */
function workingDirectory(projectDirectory: string, main: unknown, file: string): string {
  if (main === undefined || main === null || main === "") return projectDirectory;
  if (typeof main !== "string") throw new Error(`${file}: \`main\` must be a path`);
  const resolved = path.resolve(projectDirectory, main);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resolved).isDirectory();
  } catch (error) {
    throw new Error(
      `${file}: project 'main' could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return isDirectory ? resolved : path.dirname(resolved);
}
