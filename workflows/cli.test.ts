import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const repositoryRoot = join(__dirname, "..");
const temporaryRoots: string[] = [];

function runCli(...argumentsList: string[]) {
  return spawnSync(
    process.execPath,
    [
      join(repositoryRoot, "node_modules/tsx/dist/cli.mjs"),
      join(__dirname, "cli.ts"),
      ...argumentsList,
    ],
    { encoding: "utf8" },
  );
}

/** A copy of the committed workflow files, to break without touching the real tree. */
function copyOfCommittedWorkflows(): string {
  const root = mkdtempSync(join(tmpdir(), "workflows-check-"));
  temporaryRoots.push(root);
  cpSync(join(repositoryRoot, ".github/workflows"), join(root, ".github/workflows"), {
    recursive: true,
  });
  return root;
}

afterEach(() => {
  for (const root of temporaryRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("npm run workflows -- --check", () => {
  it("passes on the committed tree", () => {
    const result = runCli("--check");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("fails when a committed file differs from a fresh render", () => {
    const root = copyOfCommittedWorkflows();
    appendFileSync(join(root, ".github/workflows/uptime.yml"), "# edited by hand\n");
    const result = runCli("--check", "--root", root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(".github/workflows/uptime.yml");
  });

  it("fails when a rendered file is missing", () => {
    const root = copyOfCommittedWorkflows();
    rmSync(join(root, ".github/workflows/rollback.yml"));
    const result = runCli("--check", "--root", root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(".github/workflows/rollback.yml");
  });

  it("fails on a generated file no workflow produces any more", () => {
    const root = copyOfCommittedWorkflows();
    writeFileSync(
      join(root, ".github/workflows/old.yml"),
      "# Generated from workflows/definitions/old.ts by `npm run workflows`.\non: push\n",
    );
    const result = runCli("--check", "--root", root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(".github/workflows/old.yml");
  });
});

describe("npm run workflows", () => {
  it("writes files that then pass the check", () => {
    const root = mkdtempSync(join(tmpdir(), "workflows-write-"));
    temporaryRoots.push(root);
    expect(runCli("--root", root).status).toBe(0);
    expect(runCli("--check", "--root", root).status).toBe(0);
  });
});
