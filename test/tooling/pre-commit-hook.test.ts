// The pre-commit hook as a developer meets it: `npm install` (the prepare script) installs it in
// a clone, and `git commit` formats staged files and refuses lint errors. Each case runs in a
// temporary git repository holding this repository's config files, with node_modules linked.
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/repository-root";

interface CommandRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  argv: readonly string[],
  cwd: string,
  environment: Readonly<Record<string, string | undefined>> = {},
): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...argv],
      { cwd, env: { ...process.env, CI: undefined, ...environment } },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

const configFiles = [
  "package.json",
  ".prettierrc.json",
  ".prettierignore",
  "eslint.config.mjs",
  "tsconfig.json",
];
const createdDirectories: string[] = [];

/** A folder with the repository's config files and node_modules; a git repository unless told. */
async function temporaryClone(options: { git: boolean }): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), "pre-commit-"));
  createdDirectories.push(directory);
  for (const file of configFiles) {
    if (existsSync(join(repositoryRoot, file))) {
      cpSync(join(repositoryRoot, file), join(directory, file));
    }
  }
  cpSync(join(repositoryRoot, "scripts"), join(directory, "scripts"), { recursive: true });
  symlinkSync(join(repositoryRoot, "node_modules"), join(directory, "node_modules"), "dir");
  if (options.git) {
    await run("git", ["init", "--quiet", "--initial-branch=main"], directory);
    await run("git", ["config", "user.email", "test@example.com"], directory);
    await run("git", ["config", "user.name", "Hook Test"], directory);
  }
  return directory;
}

const prepare = (directory: string, environment: Record<string, string | undefined> = {}) =>
  run("npm", ["run", "--silent", "prepare"], directory, environment);

const badlyFormatted = "export const value   =  {a:1,b:'two'}\n";
const formatted = 'export const value = { a: 1, b: "two" };\n';

let installed: string;
let formattedCommit: CommandRun;
let lintErrorCommit: CommandRun;
let inCi: string;
let notGit: string;
let notGitPrepare: CommandRun;

beforeAll(async () => {
  installed = await temporaryClone({ git: true });
  await prepare(installed);

  writeFileSync(join(installed, "bad-format.ts"), badlyFormatted);
  await run("git", ["add", "bad-format.ts"], installed);
  formattedCommit = await run("git", ["commit", "--quiet", "-m", "format"], installed);

  // eqeqeq is an error in eslint.config.mjs.
  writeFileSync(
    join(installed, "lint-error.ts"),
    "export function same(left: number, right: number): boolean {\n  return left == right;\n}\n",
  );
  await run("git", ["add", "lint-error.ts"], installed);
  lintErrorCommit = await run("git", ["commit", "--quiet", "-m", "lint error"], installed);

  inCi = await temporaryClone({ git: true });
  await prepare(inCi, { CI: "true" });

  notGit = await temporaryClone({ git: false });
  notGitPrepare = await prepare(notGit);
});

afterAll(() => {
  for (const directory of createdDirectories) rmSync(directory, { recursive: true, force: true });
});

describe("npm run prepare in a clone", () => {
  it("installs the pre-commit hook that runs lint-staged", () => {
    expect(readFileSync(join(installed, ".git", "hooks", "pre-commit"), "utf8")).toContain(
      "npx --no-install lint-staged",
    );
  });

  it("installs nothing when CI is set", () => {
    expect(existsSync(join(inCi, ".git", "hooks", "pre-commit"))).toBe(false);
  });

  it("exits 0 outside a git work tree", () => {
    expect(notGitPrepare.exitCode).toBe(0);
  });
});

describe("git commit with the hook installed", () => {
  it("commits a badly formatted staged file", () => {
    expect(formattedCommit.exitCode).toBe(0);
  });

  it("commits it formatted by prettier", async () => {
    expect((await run("git", ["show", "HEAD:bad-format.ts"], installed)).stdout).toBe(formatted);
  });

  it("refuses a staged file with a lint error", () => {
    expect(lintErrorCommit.exitCode).not.toBe(0);
  });

  it("names the lint rule that failed", () => {
    expect(`${lintErrorCommit.stdout}${lintErrorCommit.stderr}`).toContain("eqeqeq");
  });
});
