// `plan --all` on the real program, with two stacks pointed at one zone and one Worker.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  repositoryRoot,
  runPlanCommand,
  type PlanCommandRun,
} from "../../test/support/plan-command";
import { timeouts } from "../../test/support/timeouts";

const project = mkdtempSync(join(tmpdir(), "plan-collisions-"));
let run: PlanCommandRun;

beforeAll(async () => {
  for (const entry of [
    "infra",
    "functions",
    "templates",
    "workflows",
    "node_modules",
    "package.json",
    "tsconfig.json",
  ]) {
    symlinkSync(join(repositoryRoot, entry), join(project, entry));
  }
  cpSync(join(repositoryRoot, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  cpSync(join(repositoryRoot, "Pulumi.staging.yaml"), join(project, "Pulumi.staging.yaml"));
  const staging = parse(readFileSync(join(repositoryRoot, "Pulumi.staging.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const production = parse(
    readFileSync(join(repositoryRoot, "Pulumi.production.yaml"), "utf8"),
  ) as { config: Record<string, unknown> };
  // Production copies staging's Cloudflare section: same zone, route and Worker.
  production.config["platform:cloudflare"] = staging.config["platform:cloudflare"];
  writeFileSync(join(project, "Pulumi.production.yaml"), stringify(production));
  run = await runPlanCommand(["--all", "--cwd", project], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
}, timeouts.planHook);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("plan --all with two stacks on one zone", () => {
  it("exits 1", () => {
    expect(run.exitCode).toBe(1);
  });

  it("names the route both stacks would own", () => {
    expect(run.stderr).toMatch(
      /Cloudflare Worker route staging\.api\.example\.com\/definitions\/\* in zone fedcba9876543210fedcba9876543210: stacks production, staging/,
    );
  });

  it("names the Worker script both stacks would own", () => {
    expect(run.stderr).toContain(
      "Cloudflare Worker script edge-cache-staging in account 0123456789abcdef0123456789abcdef: stacks production, staging",
    );
  });
});
