import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { knownStacks, parsePlanArguments, planSecrets } from "./cli-arguments";

const repositoryRoot = join(__dirname, "..", "..");
const fixture = join(__dirname, "__fixtures__", "engine-fidelity");

describe("parsePlanArguments", () => {
  it("reads --stack and --json", () => {
    expect(parsePlanArguments(["--stack", "staging", "--json"], repositoryRoot)).toEqual({
      rootDirectory: repositoryRoot,
      stacks: ["staging"],
      all: false,
      json: true,
      configFile: undefined,
      providers: false,
    });
  });

  it("runs the provider-host checks for staging with --providers", () => {
    expect(parsePlanArguments(["--providers"], repositoryRoot)).toMatchObject({
      providers: true,
      stacks: ["staging"],
    });
  });

  it("refuses --providers with --json", () => {
    expect(() => parsePlanArguments(["--providers", "--json"], repositoryRoot)).toThrow(
      /^--providers takes only --stack/,
    );
  });

  it("plans every stack file with --all", () => {
    expect(parsePlanArguments(["--all"], repositoryRoot)?.stacks).toEqual([
      "production",
      "staging",
    ]);
  });

  it("plans the project in --cwd", () => {
    expect(parsePlanArguments(["--cwd", fixture, "--all"], repositoryRoot)).toMatchObject({
      rootDirectory: fixture,
      stacks: ["dev"],
    });
  });

  it("requires --stack or --all", () => {
    expect(() => parsePlanArguments([], repositoryRoot)).toThrow(/^--stack or --all is required/);
  });

  it("refuses --all with --stack", () => {
    expect(() => parsePlanArguments(["--all", "--stack", "staging"], repositoryRoot)).toThrow(
      /^--all plans every stack file/,
    );
  });

  it("rejects an unknown option", () => {
    expect(() => parsePlanArguments(["--stack", "staging", "--yes"], repositoryRoot)).toThrow(
      /--yes/,
    );
  });

  it("returns undefined for --help", () => {
    expect(parsePlanArguments(["--help"], repositoryRoot)).toBeUndefined();
  });

  it("names an unknown stack's missing file and the known stacks", () => {
    expect(() => parsePlanArguments(["--stack", "qa"], repositoryRoot)).toThrow(
      'Unknown stack "qa": Pulumi.qa.yaml does not exist (stacks: production, staging)',
    );
  });

  it("names a --cwd without Pulumi.yaml", () => {
    expect(() => parsePlanArguments(["--cwd", __dirname, "--all"], repositoryRoot)).toThrow(
      `${join(__dirname, "Pulumi.yaml")} does not exist`,
    );
  });
});

describe("knownStacks", () => {
  it("lists the committed stack files", () => {
    expect(knownStacks(repositoryRoot)).toEqual(["production", "staging"]);
  });
});

describe("planSecrets", () => {
  it("reads a JSON object of secret values", () => {
    expect(planSecrets({ PLATFORM_PLAN_SECRETS: '{"github:token":"t"}' })).toEqual({
      "github:token": "t",
    });
  });

  it("is empty when unset", () => {
    expect(planSecrets({})).toEqual({});
  });

  it("rejects anything but an object of strings", () => {
    expect(() => planSecrets({ PLATFORM_PLAN_SECRETS: "[1]" })).toThrow(
      /PLATFORM_PLAN_SECRETS must be a JSON object/,
    );
  });
});
