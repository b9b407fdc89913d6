/**
 * The GitHub side of `npm run plan -- --stack NAME --json`: the whole program, loaded the way
 * Pulumi loads it, under the SDK's mock runtime, with the committed stack files.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderWorkflowFiles } from "../workflows/rendered-files";

interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  secretInputs: string[];
}

interface Plan {
  stack: string;
  resources: PlannedResource[];
}

const repositoryRoot = join(__dirname, "..");

function runPlan(stack: string): Promise<Plan> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "plan", "--silent", "--", "--stack", stack, "--json"], {
      cwd: repositoryRoot,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`npm run plan --stack ${stack} exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Plan);
    });
  });
}

const github = (plan: Plan, kind: string) =>
  plan.resources.filter((resource) => resource.type === `github:index/${kind}`);

let staging: Plan;
let production: Plan;

// Two whole-program loads through ts-node on a shared two-core machine: allow them time.
const planTimeoutMs = 240_000;

beforeAll(async () => {
  [staging, production] = await Promise.all([runPlan("staging"), runPlan("production")]);
}, planTimeoutMs);

describe("npm run plan -- --stack staging --json, GitHub side", () => {
  it("lists the staging environment and its monitoring environment", () => {
    const environments = github(staging, "repositoryEnvironment:RepositoryEnvironment");
    expect(environments.map((resource) => resource.inputs["environment"]).sort()).toEqual([
      "staging",
      "staging-uptime",
    ]);
  });

  it("lists the environment secrets, each value in secretInputs", () => {
    const secrets = github(staging, "actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secrets.map((secret) => secret.inputs["secretName"]).sort()).toEqual([
      "EXPO_TOKEN",
      "PULUMI_ACCESS_TOKEN",
      "SLACK_WEBHOOK_URL",
      "VERCEL_TOKEN",
    ]);
    for (const secret of secrets) expect(secret.secretInputs).toContain("value");
  });

  it("lists no repository-level secret", () => {
    expect(github(staging, "actionsSecret:ActionsSecret")).toEqual([]);
  });

  it("shows no secret value", () => {
    const secrets = github(staging, "actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(secret.inputs["value"]).toBe("[secret]");
  });

  it("lists the environment and uptime variables", () => {
    const names = [
      ...github(staging, "actionsEnvironmentVariable:ActionsEnvironmentVariable"),
      ...github(staging, "actionsVariable:ActionsVariable"),
    ].map((variable) => variable.inputs["variableName"]);
    expect(names.sort()).toEqual([
      "GATEWAY_URL",
      "STAGING_GATEWAY_URL",
      "STAGING_UPTIME_RETRIES",
      "STAGING_UPTIME_TIMEOUT_SECONDS",
      "VERCEL_ORG_ID",
      "VERCEL_PROJECT_ID",
    ]);
  });

  it("lists every rendered workflow file", () => {
    const files = github(staging, "repositoryFile:RepositoryFile");
    expect(files.map((file) => file.inputs["file"]).sort()).toEqual(
      renderWorkflowFiles()
        .map((file) => file.path)
        .sort(),
    );
  });
});

describe("npm run plan -- --stack production --json, GitHub side", () => {
  it("gives the production environment its reviewers", () => {
    const environment = github(production, "repositoryEnvironment:RepositoryEnvironment").find(
      (resource) => resource.inputs["environment"] === "production",
    );
    expect(environment?.inputs).toMatchObject({
      environment: "production",
      reviewers: [{ users: [1234567] }],
      preventSelfReview: true,
    });
  });

  it("leaves the workflow files to the staging stack", () => {
    expect(github(production, "repositoryFile:RepositoryFile")).toEqual([]);
  });

  it("writes only production-prefixed repository variables", () => {
    const names = github(production, "actionsVariable:ActionsVariable").map(
      (variable) => variable.inputs["variableName"],
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^PRODUCTION_/);
  });
});
