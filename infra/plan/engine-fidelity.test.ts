// The plan runs a program where and how the Pulumi engine would, so it fails where the engine
// fails. A minimal project (__fixtures__/engine-fidelity: main is a folder, tsconfig.json only at
// the root, like this repository before infra/tsconfig.json) shows each launch detail.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runPlanCommand,
  temporaryProject,
  type PlanCommandRun,
} from "../../test/support/plan-command";
import { timeouts } from "../../test/support/timeouts";
import type { PlanJson } from "./render";

const fixture = join(__dirname, "__fixtures__", "engine-fidelity");
const withoutProgramTsconfig = temporaryProject(fixture);
const withProgramTsconfig = temporaryProject(fixture);
const duplicateNames = temporaryProject(fixture);
const withNodeArguments = temporaryProject(fixture);
const transpileOnly = temporaryProject(fixture);

let failing: PlanCommandRun;
let passing: PlanCommandRun;
let duplicate: PlanCommandRun;
let nodeArguments: PlanCommandRun;
let transpiled: PlanCommandRun;

beforeAll(async () => {
  for (const project of [withProgramTsconfig, duplicateNames, withNodeArguments]) {
    writeFileSync(
      join(project.directory, "app", "tsconfig.json"),
      JSON.stringify({ extends: "../tsconfig.json" }),
    );
  }
  // ES2020 libraries bring the TS2554 error back; noCheck makes the SDK start ts-node with
  // transpileOnly (what infra/tsconfig.json does), so the engine never reports it.
  writeFileSync(
    join(transpileOnly.directory, "app", "tsconfig.json"),
    JSON.stringify({
      extends: "../tsconfig.json",
      compilerOptions: { lib: ["ES2020"], noCheck: true },
    }),
  );
  writeFileSync(
    join(duplicateNames.directory, "Pulumi.dev.yaml"),
    "config:\n  fidelity:greeting: hello\n  fidelity:names: [same, same]\n",
  );
  writeFileSync(
    join(withNodeArguments.directory, "Pulumi.yaml"),
    "name: fidelity\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n    nodeargs: --max-old-space-size=3072 --no-deprecation\nmain: app/\n",
  );
  const plan = (project: { directory: string }) =>
    runPlanCommand(["--cwd", project.directory, "--stack", "dev", "--json"]);
  // Each run type-checks a program; the suite-wide plan limit decides how many run at once.
  [failing, passing, duplicate, nodeArguments, transpiled] = await Promise.all([
    plan(withoutProgramTsconfig),
    plan(withProgramTsconfig),
    plan(duplicateNames),
    plan(withNodeArguments),
    plan(transpileOnly),
  ]);
}, timeouts.planHook);

afterAll(() => {
  for (const project of [
    withoutProgramTsconfig,
    withProgramTsconfig,
    duplicateNames,
    withNodeArguments,
    transpileOnly,
  ]) {
    project.remove();
  }
});

function outputs(run: PlanCommandRun): Record<string, unknown> {
  return (JSON.parse(run.stdout) as PlanJson).outputs;
}

describe("a program the engine cannot compile", () => {
  it("fails the plan", () => {
    expect(failing.exitCode).toBe(1);
  });

  it("reports TypeScript's error, compiled with the SDK's defaults from the program folder", () => {
    expect(failing.stderr).toMatch(
      /index\.ts\(\d+,\d+\): error TS2554: Expected 0-1 arguments, but got 2/,
    );
  });

  it("prints no plan", () => {
    expect(failing.stdout).toBe("");
  });
});

describe("the same program with a tsconfig.json in its folder", () => {
  it("plans", () => {
    expect([passing.exitCode, passing.stderr]).toEqual([0, ""]);
  });

  it("runs in the program folder, as the engine's --pwd makes it", () => {
    expect(outputs(passing)["workingDirectory"]).toBe(join(withProgramTsconfig.directory, "app"));
  });

  it("receives the stack's config", () => {
    expect(outputs(passing)["greeting"]).toBe("hello");
  });

  it("registers what the program declares, under the stack", () => {
    const resources = (JSON.parse(passing.stdout) as PlanJson).resources;
    expect(resources.map((resource) => resource.urn)).toEqual([
      "urn:pulumi:dev::fidelity::pulumi:pulumi:Stack::fidelity-dev",
      "urn:pulumi:dev::fidelity::fidelity:index:Thing::first",
      "urn:pulumi:dev::fidelity::fidelity:index:Thing::second",
    ]);
  });
});

describe("two resources with one URN", () => {
  it("fail the plan", () => {
    expect(duplicate.exitCode).toBe(1);
  });

  it("with the engine's duplicate URN message", () => {
    expect(duplicate.stderr).toContain(
      "Duplicate resource URN 'urn:pulumi:dev::fidelity::fidelity:index:Thing::same'",
    );
  });
});

describe("runtime.options.nodeargs", () => {
  it("are passed to node", () => {
    expect(outputs(nodeArguments)["nodeArguments"]).toEqual([
      "--max-old-space-size=3072",
      "--no-deprecation",
    ]);
  });
});

describe("a program folder tsconfig.json with noCheck", () => {
  it("is transpiled only: the type error the engine would skip does not fail the plan", () => {
    expect([transpiled.exitCode, transpiled.stderr]).toEqual([0, ""]);
  });
});
