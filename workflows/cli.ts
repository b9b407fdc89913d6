/**
 * `npm run workflows` renders every workflow to `.github/workflows/`;
 * `npm run workflows -- --check` writes nothing and exits 1 when a committed file differs from a
 * fresh render (or is missing, or is a generated file no workflow produces any more).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderWorkflowFiles, workflowsFolder } from "./rendered-files";

/** Marker of the header the renderer writes; files without it are left alone. */
const generatedMarker = "by `npm run workflows`";

/** Paths (from `root`) whose content differs from a fresh render. */
export function findDrift(root: string): string[] {
  const rendered = renderWorkflowFiles();
  const drift = rendered
    .filter((file) => {
      const path = join(root, file.path);
      return !existsSync(path) || readFileSync(path, "utf8") !== file.content;
    })
    .map((file) => file.path);
  const folder = join(root, workflowsFolder);
  const expected = new Set(rendered.map((file) => file.path));
  const stale = existsSync(folder)
    ? readdirSync(folder)
        .map((name) => `${workflowsFolder}/${name}`)
        .filter((path) => !expected.has(path))
        .filter((path) => readFileSync(join(root, path), "utf8").includes(generatedMarker))
    : [];
  return [...drift, ...stale];
}

/** Writes every rendered file under `root`; returns the paths written. */
export function writeWorkflows(root: string): string[] {
  mkdirSync(join(root, workflowsFolder), { recursive: true });
  return renderWorkflowFiles().map((file) => {
    writeFileSync(join(root, file.path), file.content);
    return file.path;
  });
}

function main(): number {
  const { values } = parseArgs({
    options: { check: { type: "boolean", default: false }, root: { type: "string" } },
  });
  const root = resolve(values.root ?? join(__dirname, ".."));
  if (values.check) {
    const drift = findDrift(root);
    if (drift.length > 0) {
      console.error(
        `These workflow files differ from a fresh render of workflows/ (run \`npm run workflows\`):\n${drift
          .map((path) => `  ${path}`)
          .join("\n")}`,
      );
      return 1;
    }
    console.log("Workflows are up to date.");
    return 0;
  }
  for (const path of writeWorkflows(root)) console.log(`wrote ${path}`);
  return 0;
}

process.exitCode = main();
