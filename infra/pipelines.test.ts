import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, promiseOf } from "../test/pulumi";
import { renderWorkflowFiles } from "../workflows/rendered-files";
import { Pipelines, type PipelinesArgs } from "./pipelines";

const recorder = installRecordingMocks({ stack: "staging" });

const types = {
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  branchPolicy:
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  environmentSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  environmentVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
  repositorySecret: "github:index/actionsSecret:ActionsSecret",
  repositoryVariable: "github:index/actionsVariable:ActionsVariable",
  file: "github:index/repositoryFile:RepositoryFile",
};

/** Plain strings on purpose: the component must make every one of them a secret. */
const plaintextSecrets = {
  vercelToken: "vercel-plaintext",
  expoToken: "expo-plaintext",
  pulumiAccessToken: "pul-plaintext",
  slackWebhookUrl: "https://hooks.slack.example/plaintext",
};

function args(overrides: Partial<PipelinesArgs>): PipelinesArgs {
  return {
    repository: "ai-platform",
    environment: "staging",
    branch: "main",
    productionReviewers: { users: [], teams: [] },
    webAppPath: "apps/web",
    mobileAppPath: "apps/mobile",
    secrets: plaintextSecrets,
    vercelTeamId: "team_example",
    vercelProjectId: "prj_example",
    gatewayUrl: "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
    uptimeRetries: 2,
    uptimeTimeoutSeconds: 10,
    ...overrides,
  };
}

let staging: Pipelines;
let production: Pipelines;

beforeAll(async () => {
  staging = new Pipelines("staging-pipelines", args({ manageWorkflowFiles: true }));
  production = new Pipelines(
    "production-pipelines",
    args({
      environment: "production",
      productionReviewers: { users: [1234567], teams: [7654321] },
      manageWorkflowFiles: false,
      webUrl: "https://ai-platform-web-production.vercel.app",
    }),
  );
  await recorder.settled();
});

function childrenOf(component: Pipelines, type: string) {
  return promiseOf(component.urn).then((urn) =>
    recorder.ofType(type).filter((resource) => resource.parent === urn),
  );
}

/** The stack's own environment (not its `-uptime` monitoring environment). */
async function stackEnvironment(component: Pipelines, name: string) {
  const environments = await childrenOf(component, types.environment);
  return environments.find((environment) => environment.inputs["environment"] === name);
}

describe("Pipelines environments", () => {
  it("creates the stack's environment and its monitoring environment", async () => {
    const environments = await childrenOf(staging, types.environment);
    expect(environments.map((environment) => environment.inputs["environment"]).sort()).toEqual([
      "staging",
      "staging-uptime",
    ]);
  });

  it("makes the production user ids its reviewing users", async () => {
    const environment = await stackEnvironment(production, "production");
    expect(environment?.inputs["reviewers"]).toMatchObject([{ users: [1234567] }]);
  });

  it("makes the production team ids its reviewing teams", async () => {
    const environment = await stackEnvironment(production, "production");
    expect(environment?.inputs["reviewers"]).toMatchObject([{ teams: [7654321] }]);
  });

  it("prevents self-review in production", async () => {
    const environment = await stackEnvironment(production, "production");
    expect(environment?.inputs).toMatchObject({ preventSelfReview: true, canAdminsBypass: false });
  });

  it.each(["staging", "staging-uptime"])(
    "lets only the deploy branch use %s, so no pull request reads its secrets",
    async (name) => {
      const environment = await stackEnvironment(staging, name);
      const policies = await childrenOf(staging, types.branchPolicy);
      expect(environment?.inputs["deploymentBranchPolicy"]).toEqual({
        protectedBranches: false,
        customBranchPolicies: true,
      });
      expect(policies.map((policy) => policy.inputs)).toContainEqual(
        expect.objectContaining({ environment: name, branchPattern: "main" }),
      );
    },
  );

  it.each(["production", "production-uptime"])(
    "lets only the deploy branch use %s",
    async (name) => {
      const environment = await stackEnvironment(production, name);
      const policies = await childrenOf(production, types.branchPolicy);
      expect(environment?.inputs["deploymentBranchPolicy"]).toEqual({
        protectedBranches: false,
        customBranchPolicies: true,
      });
      expect(policies.map((policy) => policy.inputs)).toContainEqual(
        expect.objectContaining({ environment: name, branchPattern: "main" }),
      );
    },
  );

  it("gives staging no reviewers", async () => {
    const environment = await stackEnvironment(staging, "staging");
    expect(environment?.inputs["reviewers"]).toEqual([]);
  });

  it("gives the monitoring environment no reviewers, so checks never wait", async () => {
    const environment = await stackEnvironment(production, "production-uptime");
    expect(environment?.inputs["reviewers"]).toEqual([]);
  });

  it("refuses a production environment without reviewers, naming the key", () => {
    expect(
      () =>
        new Pipelines(
          "unreviewed",
          args({ environment: "production", productionReviewers: { users: [], teams: [] } }),
        ),
    ).toThrow("platform:github.productionReviewers must list at least one");
  });
});

describe("Pipelines secrets", () => {
  it("writes the deploy credentials into the environment", async () => {
    const secrets = await childrenOf(staging, types.environmentSecret);
    expect(
      secrets
        .filter((secret) => secret.inputs["environment"] === "staging")
        .map((secret) => secret.inputs["secretName"])
        .sort(),
    ).toEqual(["EXPO_TOKEN", "PULUMI_ACCESS_TOKEN", "VERCEL_TOKEN"]);
  });

  it("writes the Slack webhook into the monitoring environment", async () => {
    const secrets = await childrenOf(production, types.environmentSecret);
    expect(
      secrets
        .filter((secret) => secret.inputs["environment"] === "production-uptime")
        .map((secret) => secret.inputs["secretName"]),
    ).toEqual(["SLACK_WEBHOOK_URL"]);
  });

  it("writes no repository-level secret, which any branch's workflow could read", async () => {
    const registered = new Set(recorder.resources.map((resource) => resource.type));
    expect(registered.has(types.repositorySecret)).toBe(false);
  });

  it("marks every secret value a Pulumi secret", async () => {
    const secrets = [
      ...(await childrenOf(staging, types.environmentSecret)),
      ...(await childrenOf(production, types.environmentSecret)),
    ];
    expect(secrets).toHaveLength(8);
    for (const secret of secrets) expect(secret.secretInputs).toContain("value");
  });

  it("never uses the deprecated plaintextValue", async () => {
    const secrets = await childrenOf(staging, types.environmentSecret);
    for (const secret of secrets) expect(secret.inputs).not.toHaveProperty("plaintextValue");
  });
});

describe("Pipelines variables", () => {
  it("writes the environment's deploy variables", async () => {
    const variables = await childrenOf(staging, types.environmentVariable);
    expect(
      Object.fromEntries(
        variables.map((variable) => [variable.inputs["variableName"], variable.inputs["value"]]),
      ),
    ).toEqual({
      VERCEL_ORG_ID: "team_example",
      VERCEL_PROJECT_ID: "prj_example",
      GATEWAY_URL: "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
    });
  });

  it("writes the uptime variables under the environment's prefix", async () => {
    const variables = await childrenOf(production, types.repositoryVariable);
    expect(
      Object.fromEntries(
        variables.map((variable) => [variable.inputs["variableName"], variable.inputs["value"]]),
      ),
    ).toEqual({
      PRODUCTION_WEB_URL: "https://ai-platform-web-production.vercel.app",
      PRODUCTION_GATEWAY_URL: "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
      PRODUCTION_UPTIME_RETRIES: "2",
      PRODUCTION_UPTIME_TIMEOUT_SECONDS: "10",
    });
  });
});

describe("Pipelines workflow files", () => {
  it("writes every rendered workflow when enabled", async () => {
    const files = await childrenOf(staging, types.file);
    expect(
      Object.fromEntries(files.map((file) => [file.inputs["file"], file.inputs["content"]])),
    ).toEqual(Object.fromEntries(renderWorkflowFiles().map((file) => [file.path, file.content])));
  });

  it("writes them to the configured branch", async () => {
    const files = await childrenOf(staging, types.file);
    for (const file of files)
      expect(file.inputs).toMatchObject({ branch: "main", repository: "ai-platform" });
  });

  it("writes no workflow file when disabled", async () => {
    expect(await childrenOf(production, types.file)).toEqual([]);
    expect(production.workflowFiles).toEqual([]);
  });

  it("names children after the component", async () => {
    const urn = await promiseOf(staging.urn);
    const children = recorder.resources.filter((resource) => resource.parent === urn);
    for (const resource of children) expect(resource.name).toMatch(/^staging-pipelines-/);
  });
});
