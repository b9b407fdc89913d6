// `npm run bundle`: bundles every Supabase function into dist/functions/<name>/ and archives each
// build under .artifacts/<name>/<sha256>/. Prints one line per function: name, hash, size.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { archiveCurrentArtifact, currentArtifactDirectory } from "./artifact-store";
import { bundleFunction } from "./bundle-function";
import { supabaseFunctions } from "./supabase-functions";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: "string" }, "no-archive": { type: "boolean", default: false } },
  });
  const repositoryRoot = path.resolve(__dirname, "..", "..");
  const selected = supabaseFunctions.filter(
    (source) => values.only === undefined || source.name === values.only,
  );
  if (selected.length === 0) {
    throw new Error(
      `--only "${values.only}" names no function; known: ${supabaseFunctions.map((source) => source.name).join(", ")}`,
    );
  }
  for (const source of selected) {
    const directory = currentArtifactDirectory(source.name);
    const manifest = await bundleFunction(source, {
      repositoryRoot,
      outputDirectory: path.join(repositoryRoot, directory),
    });
    const archived = values["no-archive"]
      ? undefined
      : await archiveCurrentArtifact(repositoryRoot, manifest);
    console.log(
      `${manifest.name}  sha256 ${manifest.sha256}  ${manifest.size} bytes  -> ${directory}${archived ? ` (archived in ${archived})` : ""}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
