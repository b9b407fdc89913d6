// A stack pinned to an earlier gateway build (a rollback), planned on a checkout that does not
// hold that build: a preview shows the pinned hash and says what the update will need, as
// `pulumi preview` would; only the update itself needs the files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot, runPlanCommand, type PlanCommandRun } from "../test/support/plan-command";
import type { PlanJson } from "./plan/render";

const pinned = "0123456789abcdef".repeat(4);
const folder = mkdtempSync(join(tmpdir(), "pinned-plan-"));
let run: PlanCommandRun;

beforeAll(async () => {
  const stackFile = join(folder, "Pulumi.staging.yaml");
  writeFileSync(
    stackFile,
    readFileSync(join(repositoryRoot, "Pulumi.staging.yaml"), "utf8").replace(
      /(platform:supabase:\n(?: {4}.*\n)*)/,
      `$1    pinnedArtifactSha256: "${pinned}"\n`,
    ),
  );
  run = await runPlanCommand(["--stack", "staging", "--config-file", stackFile, "--json"], {
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  });
}, 240_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the plan of a stack pinned to a build this checkout does not hold", () => {
  it("exits 0, as a preview does", () => {
    expect([run.exitCode, run.stderr]).toEqual([0, expect.any(String)]);
  });

  it("deploys the pinned hash", () => {
    const deployment = (JSON.parse(run.stdout) as PlanJson).resources.find(
      (resource) =>
        resource.type === "pulumi-nodejs:dynamic/supabase:FunctionDeployment" &&
        resource.inputs["slug"] === "llm-gateway",
    );
    expect(deployment?.inputs["artifactSha256"]).toBe(pinned);
  });

  it("says which build the update will need", () => {
    expect(run.stderr).toContain(`platform:supabase.pinnedArtifactSha256 is ${pinned}`);
  });
});
