// `npm run lint:prompts`, run as a user runs it, on a folder laid out like a repository.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repositoryRoot = join(__dirname, "..", "..");
const fixtures = join(__dirname, "__fixtures__");

interface LintRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function lintPrompts(root: string, files: readonly string[] = []): Promise<LintRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(__dirname, "cli.ts"), "--root", root, ...files],
      { cwd: repositoryRoot },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

function repositoryWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "lint-prompts-"));
  mkdirSync(join(root, "prompts"));
  for (const [target, fixture] of Object.entries(files)) {
    cpSync(join(fixtures, fixture), join(root, target));
  }
  return root;
}

let passing: string;
let failing: string;
let passingRun: LintRun;
let failingRun: LintRun;
let stagedPassingRun: LintRun;

beforeAll(async () => {
  passing = repositoryWith({ "prompts/under.md": "under-limit.md" });
  failing = repositoryWith({
    "prompts/under.md": "under-limit.md",
    "prompts/over.md": "over-limit.md",
  });
  [passingRun, failingRun, stagedPassingRun] = await Promise.all([
    lintPrompts(passing),
    lintPrompts(failing),
    lintPrompts(failing, ["prompts/under.md", "package.json"]),
  ]);
});

afterAll(() => {
  rmSync(passing, { recursive: true, force: true });
  rmSync(failing, { recursive: true, force: true });
});

describe("npm run lint:prompts", () => {
  it("exits 0 when every prompt is within its limit", () => {
    expect(passingRun.exitCode).toBe(0);
  });

  it("exits 1 when a prompt is over its limit", () => {
    expect(failingRun.exitCode).toBe(1);
  });

  it("prints the file, count and limit of the prompt over its limit", () => {
    expect(failingRun.stderr).toContain(
      "prompts/over.md: 2001 tokens (o200k_base, gpt-4o), limit 2000: over the limit",
    );
  });

  it("lints only the given files that are prompts", () => {
    expect(stagedPassingRun.stdout).toContain("1 prompt file checked, 0 failed");
  });
});

describe("the repository's own prompts", () => {
  it("pass", async () => {
    expect((await lintPrompts(repositoryRoot)).exitCode).toBe(0);
  });
});
