// Reads Pulumi.yaml the way the CLI does for what the plan needs: the project name, where the
// program lives (pkg/engine/project.go getPwdMain) and the Node.js runtime options
// (sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions).
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, basename, isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import { PlanUsageError } from "./plan-usage-error";

/** The `runtime.options` of a Node.js project, with the language host's defaults. */
export interface NodeRuntimeOptions {
  /** `typescript`: load the program through ts-node. @default true */
  typescript: boolean;
  /** `tsconfig`: path of the tsconfig file, relative to the program directory. */
  tsconfig: string | undefined;
  /** `nodeargs`: extra arguments for `node`, split like a shell would. @default "" */
  nodeargs: string;
}

/** What the plan takes from Pulumi.yaml. */
export interface ProjectFile {
  /** `name`: the project name in URNs and config keys. */
  name: string;
  /** The folder holding Pulumi.yaml (`--root-directory`). */
  rootDirectory: string;
  /** Where the engine runs the program (`--pwd`): `main` if it is a folder, else its folder. */
  programDirectory: string;
  /** The program argument relative to {@link programDirectory}: "." for a folder. */
  entryPoint: string;
  /** `runtime.options`. */
  runtimeOptions: NodeRuntimeOptions;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The engine's `getPwdMain`: a folder `main` becomes the working directory, a file's folder does too. */
export function programLocation(
  rootDirectory: string,
  main: string | undefined,
): { programDirectory: string; entryPoint: string } {
  if (main === undefined || main === "") {
    return { programDirectory: rootDirectory, entryPoint: "." };
  }
  const mainPath = isAbsolute(main) ? main : resolve(rootDirectory, main);
  if (!existsSync(mainPath)) {
    throw new PlanUsageError(`Pulumi.yaml: project 'main' could not be read: ${mainPath}`);
  }
  return statSync(mainPath).isDirectory()
    ? { programDirectory: mainPath, entryPoint: "." }
    : { programDirectory: dirname(mainPath), entryPoint: basename(mainPath) };
}

function runtimeOptions(runtime: unknown): NodeRuntimeOptions {
  const options = isRecord(runtime) && isRecord(runtime["options"]) ? runtime["options"] : {};
  const typescript = options["typescript"] ?? true;
  if (typeof typescript !== "boolean") {
    throw new PlanUsageError("Pulumi.yaml: runtime.options.typescript must be a boolean");
  }
  const tsconfig = options["tsconfig"];
  if (tsconfig !== undefined && typeof tsconfig !== "string") {
    throw new PlanUsageError("Pulumi.yaml: runtime.options.tsconfig must be a string");
  }
  const nodeargs = options["nodeargs"] ?? "";
  if (typeof nodeargs !== "string") {
    throw new PlanUsageError("Pulumi.yaml: runtime.options.nodeargs must be a string");
  }
  return { typescript, tsconfig, nodeargs };
}

/** Reads `<rootDirectory>/Pulumi.yaml`; errors name the file and the key. */
export function readProjectFile(rootDirectory: string): ProjectFile {
  const document: unknown = parse(readFileSync(join(rootDirectory, "Pulumi.yaml"), "utf8"));
  if (!isRecord(document) || typeof document["name"] !== "string") {
    throw new PlanUsageError("Pulumi.yaml: name must be the project name");
  }
  const runtime = document["runtime"];
  const runtimeName = isRecord(runtime) ? runtime["name"] : runtime;
  if (runtimeName !== "nodejs") {
    throw new PlanUsageError(`Pulumi.yaml: runtime must be nodejs, got ${String(runtimeName)}`);
  }
  const main = document["main"];
  if (main !== undefined && typeof main !== "string") {
    throw new PlanUsageError("Pulumi.yaml: main must be a path");
  }
  return {
    name: document["name"],
    rootDirectory,
    ...programLocation(rootDirectory, main),
    runtimeOptions: runtimeOptions(runtime),
  };
}
