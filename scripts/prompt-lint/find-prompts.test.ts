import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPromptFiles, isPromptFile } from "./find-prompts";

describe("isPromptFile", () => {
  it.each([
    ["prompts/reframe.md", true],
    ["prompts/chat/system.md", true],
    ["templates/app/web/prompts/welcome.md", true],
    ["prompts/README.md", false],
    ["prompts/notes.txt", false],
    ["docs/runbook.md", false],
    ["node_modules/x/prompts/a.md", false],
    ["scripts/prompt-lint/__fixtures__/prompts/a.md", false],
  ])("%s: %s", (path, expected) => {
    expect(isPromptFile(path)).toBe(expected);
  });
});

describe("findPromptFiles", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "find-prompts-"));
    for (const file of [
      "prompts/b.md",
      "prompts/a.md",
      "prompts/README.md",
      "templates/app/web/prompts/c.md",
      "node_modules/pkg/prompts/d.md",
      "docs/e.md",
    ]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), "Hello\n");
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("lists the prompt files under the root, sorted, with / separators", () => {
    expect(findPromptFiles(root)).toEqual([
      "prompts/a.md",
      "prompts/b.md",
      "templates/app/web/prompts/c.md",
    ]);
  });
});
