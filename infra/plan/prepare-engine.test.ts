import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encryptedValuePlaceholder, engineConfigFromStackFile } from "./engine-config.cjs";
import {
  knownStacks,
  parsePlanArguments,
  prepareEngine,
  type PreparedPlan,
} from "./prepare-engine.cjs";

const repositoryRoot = join(__dirname, "..", "..");
const temporaryDirectory = mkdtempSync(join(tmpdir(), "prepare-engine-"));
afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

const options = { stackFile: "Pulumi.test.yaml", projectName: "ai-platform" };

describe("engineConfigFromStackFile", () => {
  it("serializes structured values as JSON text", () => {
    expect(
      engineConfigFromStackFile("config:\n  platform:budget:\n    dailyUsd: 5\n", options).values,
    ).toEqual({ "platform:budget": '{"dailyUsd":5}' });
  });

  it("passes scalars as their text", () => {
    expect(
      engineConfigFromStackFile("config:\n  platform:protectData: true\n", options).values,
    ).toEqual({ "platform:protectData": "true" });
  });

  it("puts keys without a namespace in the project's", () => {
    expect(engineConfigFromStackFile("config:\n  region: x\n", options).values).toEqual({
      "ai-platform:region": "x",
    });
  });

  it("turns secure values into secret placeholders", () => {
    expect(
      engineConfigFromStackFile("config:\n  cloudflare:apiToken:\n    secure: AAAB\n", options),
    ).toEqual({
      values: { "cloudflare:apiToken": encryptedValuePlaceholder },
      secretKeys: ["cloudflare:apiToken"],
    });
  });

  it("adds secret overrides as secrets", () => {
    expect(
      engineConfigFromStackFile("config: {}\n", {
        ...options,
        secretOverrides: { "github:token": "t" },
      }),
    ).toEqual({ values: { "github:token": "t" }, secretKeys: ["github:token"] });
  });

  it("names the file when the YAML is invalid", () => {
    expect(() => engineConfigFromStackFile("config: [\n", options)).toThrow(
      /^Pulumi\.test\.yaml: not valid YAML/,
    );
  });
});

describe("parsePlanArguments", () => {
  it("reads --stack and --json", () => {
    expect(parsePlanArguments(["--stack", "staging", "--json"])).toEqual({
      stack: "staging",
      json: true,
      configFile: undefined,
    });
  });

  it("requires --stack", () => {
    expect(() => parsePlanArguments([])).toThrow(/^--stack is required/);
  });

  it("rejects an unknown option", () => {
    expect(() => parsePlanArguments(["--stack", "staging", "--yes"])).toThrow(/--yes/);
  });

  it("returns undefined for --help", () => {
    expect(parsePlanArguments(["--help"])).toBeUndefined();
  });
});

describe("knownStacks", () => {
  it("lists the committed stack files", () => {
    expect(knownStacks(repositoryRoot)).toEqual(expect.arrayContaining(["production", "staging"]));
  });
});

describe("prepareEngine", () => {
  it("sets PULUMI_CONFIG and the secret keys as the engine does", () => {
    const file = join(temporaryDirectory, "stack.yaml");
    writeFileSync(file, "config:\n  platform:environment: staging\n");
    const environment: NodeJS.ProcessEnv = {
      PLATFORM_PLAN_SECRETS: '{"platform:openaiApiKey":"sk"}',
    };
    prepareEngine(["--stack", "staging", "--config-file", file], repositoryRoot, environment);
    expect([environment["PULUMI_CONFIG"], environment["PULUMI_CONFIG_SECRET_KEYS"]]).toEqual([
      '{"platform:environment":"staging","platform:openaiApiKey":"sk"}',
      '["platform:openaiApiKey"]',
    ]);
  });

  it("sets the project, stack and preview variables", () => {
    const environment: NodeJS.ProcessEnv = {};
    prepareEngine(["--stack", "production"], repositoryRoot, environment);
    expect(environment).toMatchObject({
      PULUMI_NODEJS_PROJECT: "ai-platform",
      PULUMI_NODEJS_STACK: "production",
      PULUMI_NODEJS_DRY_RUN: "true",
    });
  });

  it("returns the project's main", () => {
    const prepared = prepareEngine(["--stack", "staging"], repositoryRoot, {}) as PreparedPlan;
    expect(prepared.projectMain).toBe("infra/");
  });

  it("rejects PLATFORM_PLAN_SECRETS that is not an object of strings", () => {
    expect(() =>
      prepareEngine(["--stack", "staging"], repositoryRoot, { PLATFORM_PLAN_SECRETS: "[1]" }),
    ).toThrow(/PLATFORM_PLAN_SECRETS must be a JSON object/);
  });

  it("names an unknown stack's missing file", () => {
    expect(() => prepareEngine(["--stack", "qa"], repositoryRoot, {})).toThrow(
      /^Unknown stack "qa": Pulumi\.qa\.yaml does not exist/,
    );
  });
});
