// `npm run lint:prompts [-- FILE...]`: counts the tokens of every prompt file (see
// find-prompts.ts), or of the files given, and exits 1 when one is over its limit.
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findPromptFiles, isPromptFile } from "./find-prompts";
import { describeResult, lintPrompt } from "./lint-prompt";

/** Runs the lint; resolves with the exit code. Writes one line per file. */
export function main(argv: readonly string[], defaultRoot: string): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { root: { type: "string" } },
    allowPositionals: true,
  });
  const root = resolve(values.root ?? defaultRoot);
  // Given files (lint-staged passes every staged file) are filtered by the same convention.
  const files =
    positionals.length > 0
      ? positionals
          .map((file) => (isAbsolute(file) ? relative(root, file) : file).split("\\").join("/"))
          .filter(isPromptFile)
      : findPromptFiles(root);
  let failures = 0;
  for (const file of files) {
    try {
      const result = lintPrompt(file, readFileSync(join(root, file), "utf8"));
      if (!result.ok) failures += 1;
      (result.ok ? process.stdout : process.stderr).write(`${describeResult(result)}\n`);
    } catch (error) {
      failures += 1;
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  process.stdout.write(
    `${files.length} prompt file${files.length === 1 ? "" : "s"} checked, ${failures} failed\n`,
  );
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), join(__dirname, "..", ".."));
}
