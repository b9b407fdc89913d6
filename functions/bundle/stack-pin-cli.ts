/**
 * `stack-pin-cli.ts read --file Pulumi.production.yaml` prints the pinned gateway artifact hash
 * (nothing when unpinned); `write --file F --sha256 H` pins H in F, `write --file F` un-pins.
 * The deploy and rollback workflows use it to choose and to record the artifact a stack runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readPinnedArtifact, writePinnedArtifact } from "./stack-pin";

function main(): number {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { file: { type: "string" }, sha256: { type: "string" } },
  });
  const [command] = positionals;
  if (!values.file || (command !== "read" && command !== "write")) {
    console.error("usage: stack-pin-cli.ts read|write --file Pulumi.STACK.yaml [--sha256 HASH]");
    return 2;
  }
  const text = readFileSync(values.file, "utf8");
  if (command === "read") {
    process.stdout.write(readPinnedArtifact(text) ?? "");
    return 0;
  }
  writeFileSync(values.file, writePinnedArtifact(text, values.sha256));
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`${process.argv[1] ?? "stack-pin-cli"}: ${(error as Error).message}`);
  process.exitCode = 1;
}
