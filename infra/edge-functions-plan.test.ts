// The Supabase part of the offline plan (`npm run plan -- --stack NAME --json`), run the way a
// user runs it: the whole program loaded like Pulumi's language host does, under mocks.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleContent } from "../functions/bundle/bundle-function";
import { describeArtifact } from "../functions/bundle/write-artifact";
import { supabaseFunctions } from "../functions/bundle/supabase-functions";
import type { PlanJson, PlanJsonResource } from "./plan/render";
import { secretKeys } from "./secret-keys";

const repositoryRoot = path.resolve(__dirname, "..");
const secretsType = "pulumi-nodejs:dynamic/supabase:Secrets";
const deploymentType = "pulumi-nodejs:dynamic/supabase:FunctionDeployment";
const wakeUpType = "pulumi-nodejs:dynamic/supabase:WorkerWakeUp";

// Distinctive plaintext for every secret: none of it may appear anywhere in the plan.
const plaintextSecrets = Object.fromEntries(
  secretKeys.map(({ key }) => [key, `plaintext-${key.replace(":", "-")}-b7f3c1`]),
);

function plan(stack: string): Promise<PlanJson & { raw: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "npm",
      ["run", "--silent", "plan", "--", "--stack", stack, "--json"],
      {
        cwd: repositoryRoot,
        env: { ...process.env, PLATFORM_PLAN_SECRETS: JSON.stringify(plaintextSecrets) },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`plan --stack ${stack} failed: ${stderr}`));
        else resolve({ ...(JSON.parse(stdout) as PlanJson), raw: stdout });
      },
    );
  });
}

function resource(planned: PlanJson, type: string): PlanJsonResource {
  const found = planned.resources.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`the ${planned.stack} plan has no ${type}`);
  return found;
}

/** The deployment of one function (slug) in a plan. */
function deployment(planned: PlanJson, slug: string): PlanJsonResource {
  const found = planned.resources.find(
    (candidate) => candidate.type === deploymentType && candidate.inputs.slug === slug,
  );
  if (!found) throw new Error(`the ${planned.stack} plan has no ${slug} deployment`);
  return found;
}

let staging: PlanJson & { raw: string };
let production: PlanJson & { raw: string };
let sourceSha256: string;
let workerSha256: string;

beforeAll(async () => {
  const gateway = supabaseFunctions.find((source) => source.name === "llm-gateway");
  if (!gateway) throw new Error("supabase-functions.ts lists no llm-gateway");
  const worker = supabaseFunctions.find((source) => source.name === "job-worker");
  if (!worker) throw new Error("supabase-functions.ts lists no job-worker");
  [staging, production, sourceSha256, workerSha256] = await Promise.all([
    plan("staging"),
    plan("production"),
    bundleContent(gateway, repositoryRoot).then((content) => describeArtifact(content).sha256),
    bundleContent(worker, repositoryRoot).then((content) => describeArtifact(content).sha256),
  ]);
});

describe("the plan's Supabase resources", () => {
  it("lists the secrets and the gateway deployment under EdgeFunctions in both stacks", () => {
    for (const planned of [staging, production]) {
      const component = resource(planned, "platform:supabase:EdgeFunctions");
      expect(resource(planned, secretsType).parent).toBe(component.urn);
      expect(resource(planned, deploymentType).parent).toBe(component.urn);
    }
  });

  it("shows the same artifact hash for both stacks, the hash of the current source", () => {
    const stagingHash = deployment(staging, "llm-gateway").inputs.artifactSha256;

    expect(deployment(production, "llm-gateway").inputs.artifactSha256).toBe(stagingHash);
    expect(stagingHash).toBe(sourceSha256);
  });

  it("deploys the job worker in both stacks with the hash of its current source", () => {
    for (const planned of [staging, production]) {
      const component = resource(planned, "platform:supabase:EdgeFunctions");
      expect(deployment(planned, "job-worker").parent).toBe(component.urn);
      expect(deployment(planned, "job-worker").inputs.artifactSha256).toBe(workerSha256);
    }
  });

  it("exports the artifact hash as a stack output", () => {
    expect(staging.outputs.gatewayArtifactSha256).toBe(sourceSha256);
    expect(production.outputs.gatewayArtifactSha256).toBe(sourceSha256);
  });

  it("deploys each stack's own project", () => {
    expect(deployment(staging, "llm-gateway").inputs.projectRef).not.toBe(
      deployment(production, "llm-gateway").inputs.projectRef,
    );
  });

  it("masks every gateway secret value", () => {
    const values = resource(staging, secretsType).inputs.values as Record<string, string>;

    expect(Object.keys(values)).toContain("OPENAI_API_KEY");
    expect(new Set(Object.values(values))).toEqual(new Set(["[secret]", "[unknown]"]));
  });

  it("writes the database URL (platform:databaseUrl), masked, when the stack sets it", () => {
    const values = resource(staging, secretsType).inputs.values as Record<string, string>;

    expect(values.DATABASE_URL).toBe("[secret]");
  });

  it("writes the wake-up token (platform:jobWorkerToken), masked, as JOB_WORKER_TOKEN", () => {
    const values = resource(staging, secretsType).inputs.values as Record<string, string>;

    expect(values.JOB_WORKER_TOKEN).toBe("[secret]");
  });

  it("sets the wake-up's Vault entries in both stacks, the token only as a secret", () => {
    for (const planned of [staging, production]) {
      const wakeUp = resource(planned, wakeUpType);
      expect(wakeUp.inputs.workerToken).toBe("[secret]");
      expect(wakeUp.secretInputs).toEqual(expect.arrayContaining(["workerToken", "accessToken"]));
    }
  });

  it("points the wake-up at the stack's own job worker", () => {
    const projectRef = deployment(staging, "job-worker").inputs.projectRef as string;

    expect(resource(staging, wakeUpType).inputs.workerUrl).toBe(
      `https://${projectRef}.supabase.co/functions/v1/job-worker`,
    );
  });

  it("passes the access token only as a secret", () => {
    for (const type of [secretsType, deploymentType]) {
      expect(resource(staging, type).inputs.accessToken).toBe("[secret]");
      expect(resource(staging, type).secretInputs).toContain("accessToken");
    }
  });

  it("prints no plaintext secret anywhere", () => {
    for (const planned of [staging, production]) {
      for (const value of Object.values(plaintextSecrets)) expect(planned.raw).not.toContain(value);
    }
  });
});
