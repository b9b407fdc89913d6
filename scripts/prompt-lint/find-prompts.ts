// Which files are prompts: every Markdown file under a folder named `prompts` (the repository's
// prompts/, and any prompts/ folder an app or function template ships), except READMEs, which
// describe prompts rather than being sent to a model.
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Folders never searched: dependencies, build output, and the lint's own test fixtures. */
const skippedFolders = new Set([
  "node_modules",
  ".git",
  "dist",
  ".artifacts",
  "coverage",
  "__fixtures__",
]);

/** Whether `path` (relative, any separator) names a prompt file by the convention above. */
export function isPromptFile(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? "";
  return (
    name.toLowerCase().endsWith(".md") &&
    name.toLowerCase() !== "readme.md" &&
    parts.slice(0, -1).includes("prompts") &&
    !parts.some((part) => skippedFolders.has(part))
  );
}

/** Every prompt file under `root`, as sorted paths relative to it with `/` separators. */
export function findPromptFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) visit(join(directory, entry.name));
      } else if (entry.isFile()) {
        const path = relative(root, join(directory, entry.name)).split(sep).join("/");
        if (isPromptFile(path)) found.push(path);
      }
    }
  };
  visit(root);
  return found.sort();
}
