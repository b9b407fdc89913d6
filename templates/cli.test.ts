import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repositoryRoot = join(__dirname, "..");
const out = mkdtempSync(join(tmpdir(), "templates-cli-"));

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

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run templates", () => {
  it("renders every template into --out", () => {
    const result = runCli("--stack", "staging", "--out", out);
    expect(result.status).toBe(0);
    expect(existsSync(join(out, "apps/mobile/eas.json"))).toBe(true);
    expect(existsSync(join(out, "supabase/config.toml"))).toBe(true);
  });

  it("requires --out, naming it", () => {
    const result = runCli("--stack", "staging");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--out is required");
  });

  it("fails on an unknown stack, naming its file", () => {
    const result = runCli("--stack", "qa", "--out", out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Pulumi.qa.yaml does not exist");
  });
});
