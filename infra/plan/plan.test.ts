import { writeFileSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cachedPlanCommand,
  planTestSecrets,
  repositoryRoot,
  runPlanCommand as runPlan,
  type PlanCommandRun as PlanRun,
} from "../../test/support/plan-command";
import { timeouts } from "../../test/support/timeouts";
import { secretKeys } from "../secret-keys";
import type { PlanJson } from "./render";

// Distinctive plaintext for every secret: none of it may appear in any output.
const plaintextSecrets = planTestSecrets(secretKeys.map(({ key }) => key));
const secretsEnvironment = { PLATFORM_PLAN_SECRETS: JSON.stringify(plaintextSecrets) };

const temporaryDirectory = mkdtempSync(join(tmpdir(), "plan-test-"));
const badStackFile = join(temporaryDirectory, "Pulumi.staging.yaml");
writeFileSync(
  badStackFile,
  readFileSync(join(repositoryRoot, "Pulumi.staging.yaml"), "utf8").replace(
    /dailyUsd: \d+/,
    "dailyUsd: -3",
  ),
);

let stagingJson: PlanRun;
let productionJson: PlanRun;
let stagingText: PlanRun;
let badValue: PlanRun;
let unknownStack: PlanRun;
let allStacks: PlanRun;

beforeAll(async () => {
  // The JSON runs type-check the program, as the Pulumi CLI does by default, and are shared with
  // the other test files that plan the committed stacks; the others skip type checks the way the
  // CLI allows (PULUMI_NODEJS_TRANSPILE_ONLY, read by @pulumi/pulumi/cmd/run). All queue behind
  // the suite-wide plan limit (test/support/plan-cache.ts).
  const transpileOnly = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
  [stagingJson, productionJson, stagingText, badValue, unknownStack, allStacks] = await Promise.all(
    [
      cachedPlanCommand(["--stack", "staging", "--json"], secretsEnvironment),
      cachedPlanCommand(["--stack", "production", "--json"], secretsEnvironment),
      runPlan(["--stack", "staging"], { ...secretsEnvironment, ...transpileOnly }),
      runPlan(["--stack", "staging", "--config-file", badStackFile], transpileOnly),
      runPlan(["--stack", "no-such-stack"]),
      runPlan(["--all", "--json"], transpileOnly),
    ],
  );
}, timeouts.planHook);

afterAll(() => {
  rmSync(temporaryDirectory, { recursive: true, force: true });
});

function parsed(run: PlanRun): PlanJson {
  return JSON.parse(run.stdout) as PlanJson;
}

function typesOf(run: PlanRun): string[] {
  return parsed(run).resources.map((resource) => resource.type);
}

const expectedTypes = [
  "upstash:index/redisDatabase:RedisDatabase",
  "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
  "cloudflare:index/workersKv:WorkersKv",
  "cloudflare:index/workersScript:WorkersScript",
  "cloudflare:index/workersRoute:WorkersRoute",
  "vercel:index/project:Project",
  "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
];

describe("plan --json", () => {
  it("exits 0 for staging", () => {
    expect([stagingJson.exitCode, stagingJson.stderr]).toEqual([0, expect.any(String)]);
  });

  it("exits 0 for production", () => {
    expect(productionJson.exitCode).toBe(0);
  });

  it("prints exactly one JSON document with stack, resources and outputs", () => {
    expect(Object.keys(parsed(stagingJson))).toEqual([
      "stack",
      "resources",
      "outputs",
      "secretsNotSet",
    ]);
  });

  it("names the stack", () => {
    expect(parsed(productionJson).stack).toBe("production");
  });

  it("describes each resource with urn, type, name, parent, protect, inputs and secretInputs", () => {
    for (const resource of parsed(stagingJson).resources) {
      expect(Object.keys(resource)).toEqual([
        "urn",
        "type",
        "name",
        "parent",
        "protect",
        "inputs",
        "secretInputs",
      ]);
    }
  });

  it.each(expectedTypes)("lists %s for staging", (type) => {
    expect(typesOf(stagingJson)).toContain(type);
  });

  it.each(expectedTypes)("lists %s for production", (type) => {
    expect(typesOf(productionJson)).toContain(type);
  });

  it.each([
    "upstash:index/redisDatabase:RedisDatabase",
    "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
    "cloudflare:index/workersKv:WorkersKv",
  ])("protects %s in production", (type) => {
    const resources = parsed(productionJson).resources.filter((resource) => resource.type === type);
    expect(resources.map((resource) => resource.protect)).toEqual(resources.map(() => true));
  });

  it("protects nothing in staging", () => {
    expect(parsed(stagingJson).resources.filter((resource) => resource.protect)).toEqual([]);
  });

  it("marks a provider credential as a secret input", () => {
    const provider = parsed(stagingJson).resources.find(
      (resource) => resource.type === "pulumi:providers:cloudflare",
    );
    expect(provider?.secretInputs).toEqual(["apiToken"]);
  });

  it("marks the Redis token variable sensitive", () => {
    const variable = parsed(stagingJson).resources.find(
      (resource) => resource.inputs["key"] === "UPSTASH_REDIS_REST_TOKEN",
    );
    expect(variable?.inputs["sensitive"]).toBe(true);
  });

  it("shows provider-computed values as unknown", () => {
    const entry = parsed(stagingJson).resources.find(
      (resource) => resource.type === "cloudflare:index/workersKv:WorkersKv",
    );
    expect(entry?.inputs["namespaceId"]).toBe("[unknown]");
  });

  it("exports the gateway URL derived from the project ref", () => {
    expect(parsed(stagingJson).outputs["gatewayUrl"]).toBe(
      "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
    );
  });

  it("reports no secret as missing when all are set", () => {
    expect(parsed(stagingJson).secretsNotSet).toEqual([]);
  });

  it("lists every secret as not set when none is", () => {
    const stacks = (JSON.parse(allStacks.stdout) as { stacks: PlanJson[] }).stacks;
    expect(stacks[0]?.secretsNotSet).toEqual(secretKeys.map(({ key }) => key));
  });
});

describe("plan --all", () => {
  it("exits 0 for the committed stacks", () => {
    expect(allStacks.exitCode).toBe(0);
  });

  it("finds no physical resource owned by two stacks", () => {
    expect(allStacks.stdout).toContain('"collisions": []');
  });

  it("plans every stack file", () => {
    const stacks = (JSON.parse(allStacks.stdout) as { stacks: PlanJson[] }).stacks;
    expect(stacks.map((stack) => stack.stack)).toEqual(["production", "staging"]);
  });
});

describe("plan output never contains a secret's plaintext", () => {
  it.each([
    ["staging --json stdout", () => stagingJson.stdout],
    ["staging --json stderr", () => stagingJson.stderr],
    ["production --json stdout", () => productionJson.stdout],
    ["production --json stderr", () => productionJson.stderr],
    ["staging tree stdout", () => stagingText.stdout],
    ["staging tree stderr", () => stagingText.stderr],
  ])("in %s", (_name, output: () => string) => {
    const leaked = Object.values(plaintextSecrets).filter((secret) => output().includes(secret));
    expect(leaked).toEqual([]);
  });
});

describe("plan tree", () => {
  it("exits 0", () => {
    expect(stagingText.exitCode).toBe(0);
  });

  it("shows each resource under its parent", () => {
    expect(stagingText.stdout).toMatch(
      /platform:index:CacheStore {2}cache\n[│ ]+└─ upstash:index\/redisDatabase:RedisDatabase {2}cache-database/,
    );
  });

  it("shows secret inputs as [secret]", () => {
    expect(stagingText.stdout).toMatch(/apiToken: \[secret\]/);
  });

  it("counts the resources", () => {
    expect(stagingText.stdout).toMatch(/\n\d+ resources \(0 protected\) would be registered\./);
  });
});

describe("plan errors", () => {
  it("exits non-zero on a bad stack file value", () => {
    expect(badValue.exitCode).not.toBe(0);
  });

  it("names the stack file and key of a bad value", () => {
    expect(badValue.stderr).toContain(
      'Pulumi.staging.yaml: platform:budget.dailyUsd must be a positive number, got "-3"',
    );
  });

  it("prints nothing on stdout for a bad value", () => {
    expect(badValue.stdout).toBe("");
  });

  it("exits non-zero on an unknown stack", () => {
    expect(unknownStack.exitCode).not.toBe(0);
  });

  it("names the missing stack file and the known stacks", () => {
    expect(unknownStack.stderr).toContain(
      'Unknown stack "no-such-stack": Pulumi.no-such-stack.yaml does not exist (stacks: production, staging)',
    );
  });
});
