// What the engine derives from Pulumi.yaml before it starts the dynamic provider host: the working
// directory (pkg/engine/project.go `getPwdMain`: a `main` that is a directory becomes the working
// directory of the program and of every plugin) and the environment it adds for the
// `pulumi-nodejs` provider (pkg/resource/plugin/provider_plugin.go `NewProvider`: one
// `PULUMI_RUNTIME_<OPTION>` per runtime option, `PULUMI_NODEJS_PROJECT` and `PULUMI_PROJECT`).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { readProjectFile } from "../plan/project-file";

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

/**
 * Reads `Pulumi.yaml` the way the engine does for a launch (the project file and program folder
 * as the offline plan reads them, infra/plan/project-file.ts).
 * @param projectDirectory - the folder holding Pulumi.yaml.
 */
export function programLaunch(projectDirectory: string): ProgramLaunch {
  const file = path.join(projectDirectory, "Pulumi.yaml");
  const project = readProjectFile(projectDirectory);
  const raw = parse(readFileSync(file, "utf8")) as { runtime?: unknown };
  const environment: Record<string, string> = {
    PULUMI_NODEJS_PROJECT: project.name,
    PULUMI_PROJECT: project.name,
  };
  for (const [option, value] of Object.entries(runtimeOptions(raw.runtime))) {
    // Go's fmt.Sprintf("%v") of YAML scalars: booleans and numbers print as YAML wrote them.
    environment[`PULUMI_RUNTIME_${option.toUpperCase()}`] = String(value);
  }
  return {
    projectDirectory,
    projectName: project.name,
    programDirectory: project.programDirectory,
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
