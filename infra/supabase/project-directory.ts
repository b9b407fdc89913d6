// Resolves paths the program passes relative to the Pulumi project (the folder of Pulumi.yaml). The
// engine starts the dynamic provider host in the program's directory, which for `main: infra/` is
// infra/ (pkg/engine/project.go `getPwdMain`), not the project root, so `process.cwd()` alone would
// point one level too deep. Serialized with the providers: built-ins are looked up when called.

/** Files that mark the Pulumi project directory. */
export const projectFileNames = ["Pulumi.yaml", "Pulumi.yml"];

/**
 * The nearest folder, from `start` upwards, that holds a Pulumi project file.
 * @param start - where to look first; the working directory when omitted.
 * @returns the folder, or `undefined` when no ancestor holds one.
 */
export function findProjectDirectory(start: string = process.cwd()): string | undefined {
  const fs = process.getBuiltinModule("node:fs");
  const path = process.getBuiltinModule("node:path");
  let directory = path.resolve(start);
  for (;;) {
    if (projectFileNames.some((name) => fs.existsSync(path.join(directory, name)))) {
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Resolves a path given relative to the Pulumi project directory; an absolute path is kept.
 * @param relative - e.g. `dist/functions/llm-gateway`.
 * @param start - where the search for the project file begins; the working directory when omitted.
 */
export function resolveFromProject(relative: string, start: string = process.cwd()): string {
  const path = process.getBuiltinModule("node:path");
  if (path.isAbsolute(relative)) return relative;
  const projectDirectory = findProjectDirectory(start);
  if (projectDirectory === undefined) {
    throw new Error(
      `cannot resolve artifactDirectory "${relative}": no Pulumi.yaml in ${start} or above it`,
    );
  }
  return path.resolve(projectDirectory, relative);
}
