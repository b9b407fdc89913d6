/**
 * The shell code inside the rendered workflows, run for real with bash, curl and jq against
 * loopback servers: the artifact digest and its verification, the Supabase deploy (Management
 * API wire format), the uptime check with retries, and the Slack alert.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeArtifact } from "../functions/bundle/write-artifact";
import type { ArtifactManifest } from "../functions/bundle/manifest";
import { startCaptureSink, type CaptureSink } from "../test/support/capture-sink";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../test/supabase/management-api-server";
import { runStepScript, stepScript } from "./test/run-step-script";
import { startStatusServer, type StatusServer } from "./test/status-server";

const accessToken = "sbp_loopback_token";
const projectRef = "abcdefghijklmnopqrst";
const workspaces: string[] = [];

function workspace(): string {
  const directory = mkdtempSync(join(tmpdir(), "workflow-step-"));
  workspaces.push(directory);
  return directory;
}

/** A workspace holding `dist/functions/llm-gateway/` as `npm run bundle` writes it. */
async function workspaceWithArtifact(): Promise<{ cwd: string; manifest: ArtifactManifest }> {
  const cwd = workspace();
  const manifest = await writeArtifact(join(cwd, "dist/functions/llm-gateway"), {
    name: "llm-gateway",
    entrypoint: "index.js",
    verifyJwt: false,
    files: [
      {
        path: "index.js",
        bytes: new TextEncoder().encode('Deno.serve(() => new Response("ok"));\n'),
      },
      { path: "chunks/shared.js", bytes: new TextEncoder().encode("export const shared = 1;\n") },
    ],
  });
  return { cwd, manifest };
}

const digestScript = stepScript("functions-deploy.yml", "bundle", "Compute the artifact digest");
const verifyScript = stepScript(
  "functions-deploy.yml",
  "deploy-staging",
  "Verify the artifact digest",
);
const deployScript = stepScript("functions-deploy.yml", "deploy-staging", "Deploy the functions");
const checkScript = stepScript("uptime.yml", "check-staging", "Check the web app and the gateway");
const alertScript = stepScript("uptime.yml", "check-staging", "Alert Slack");

afterAll(() => {
  for (const directory of workspaces) rmSync(directory, { recursive: true, force: true });
});

describe("functions-deploy: artifact digest", () => {
  it("verifies the artifact the bundle job digested", async () => {
    const { cwd } = await workspaceWithArtifact();
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    expect(digest.outputs["sha256"]).toMatch(/^[0-9a-f]{64}$/);
    const verify = await runStepScript(verifyScript, {
      cwd,
      environment: { EXPECTED_SHA256: digest.outputs["sha256"] ?? "" },
    });
    expect(verify.status).toBe(0);
  });

  it("refuses an artifact changed after bundling", async () => {
    const { cwd } = await workspaceWithArtifact();
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    writeFileSync(join(cwd, "dist/functions/llm-gateway/index.js"), "tampered\n");
    const verify = await runStepScript(verifyScript, {
      cwd,
      environment: { EXPECTED_SHA256: digest.outputs["sha256"] ?? "" },
    });
    expect(verify.status).toBe(1);
    expect(verify.output).toContain("does not match the bundled");
  });
});

describe("functions-deploy: manifest verification", () => {
  it("accepts the manifest npm run bundle writes", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    const verify = await runStepScript(verifyScript, {
      cwd,
      environment: { EXPECTED_SHA256: digest.outputs["sha256"] ?? "" },
    });
    expect(verify.output).toContain(`llm-gateway verified: sha256 ${manifest.sha256}`);
  });

  it("refuses a file that differs from its manifest, whatever the artifact digest says", async () => {
    const { cwd } = await workspaceWithArtifact();
    writeFileSync(
      join(cwd, "dist/functions/llm-gateway/chunks/shared.js"),
      "export const shared = 2;\n",
    );
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    const verify = await runStepScript(verifyScript, {
      cwd,
      environment: { EXPECTED_SHA256: digest.outputs["sha256"] ?? "" },
    });
    expect(verify.status).toBe(1);
    expect(verify.output).toContain("llm-gateway: chunks/shared.js does not match its manifest");
  });

  it("refuses a file the manifest does not list", async () => {
    const { cwd } = await workspaceWithArtifact();
    writeFileSync(join(cwd, "dist/functions/llm-gateway/extra.js"), "globalThis.extra = true;\n");
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    const verify = await runStepScript(verifyScript, {
      cwd,
      environment: { EXPECTED_SHA256: digest.outputs["sha256"] ?? "" },
    });
    expect(verify.status).toBe(1);
    expect(verify.output).toContain("3 files present, the manifest lists 2");
  });

  it("prints each function's hash in the bundle job, for pinning", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const digest = await runStepScript(digestScript, { cwd, environment: {} });
    expect(digest.output).toContain(`llm-gateway sha256 ${manifest.sha256}`);
  });
});

describe("functions-deploy: deploy through the Management API", () => {
  let api: ManagementApiServer;

  beforeAll(async () => {
    api = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
  });

  afterAll(() => api.stop());

  it("uploads every artifact file under its relative path, with the manifest's entrypoint", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const run = await runStepScript(deployScript, {
      cwd,
      environment: {
        SUPABASE_ACCESS_TOKEN: accessToken,
        SUPABASE_PROJECT_REF: projectRef,
        SUPABASE_API_URL: api.url,
      },
    });
    expect(run.status).toBe(0);
    const deployed = api.functions.get(projectRef)?.get("llm-gateway");
    expect(deployed?.entrypointPath).toBe("index.js");
    expect(deployed?.files.map((file) => [file.name, file.sha256]).sort()).toEqual(
      manifest.files.map((file) => [file.path, file.sha256]).sort(),
    );
  });

  it("passes the manifest's verify_jwt", async () => {
    const { cwd } = await workspaceWithArtifact();
    await runStepScript(deployScript, {
      cwd,
      environment: {
        SUPABASE_ACCESS_TOKEN: accessToken,
        SUPABASE_PROJECT_REF: projectRef,
        SUPABASE_API_URL: api.url,
      },
    });
    expect(api.functions.get(projectRef)?.get("llm-gateway")?.verifyJwt).toBe(false);
  });

  it("fails the step when the API rejects the token", async () => {
    const { cwd } = await workspaceWithArtifact();
    const run = await runStepScript(deployScript, {
      cwd,
      environment: {
        SUPABASE_ACCESS_TOKEN: "wrong-token",
        SUPABASE_PROJECT_REF: projectRef,
        SUPABASE_API_URL: api.url,
      },
    });
    expect(run.status).not.toBe(0);
  });
});

describe("functions-deploy: database migrations", () => {
  it("skips the push when the repository has no migrations", async () => {
    const run = await runStepScript(
      stepScript("functions-deploy.yml", "deploy-staging", "Push database migrations"),
      { cwd: workspace(), environment: { SUPABASE_PROJECT_REF: projectRef } },
    );
    expect(run.status).toBe(0);
    expect(run.output).toContain("no database migrations to push");
  });
});

describe("uptime: check", () => {
  let site: StatusServer;

  beforeAll(async () => {
    site = await startStatusServer();
  });

  afterAll(() => site.close());

  beforeEach(() => {
    site.requests.length = 0;
  });

  const environment = (overrides: Record<string, string> = {}) => ({
    WEB_URL: `${site.url}/`,
    GATEWAY_URL: `${site.url}/functions/v1/llm-gateway`,
    RETRIES: "2",
    TIMEOUT_SECONDS: "5",
    RETRY_DELAY_SECONDS: "0",
    ...overrides,
  });

  it("passes when the web app and the gateway's /health answer 200", async () => {
    site.answer("/", [200]);
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.status).toBe(0);
    expect(site.requests).toEqual(["/", "/functions/v1/llm-gateway/health"]);
  });

  it("retries before it declares an outage", async () => {
    site.answer("/", [200]);
    site.answer("/functions/v1/llm-gateway/health", [503]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.status).toBe(1);
    expect(site.requests.filter((path) => path.endsWith("/health"))).toHaveLength(3);
    expect(run.output).toContain("::error::gateway is down");
  });

  it("passes when a retry succeeds", async () => {
    site.answer("/", [502, 200]);
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.status).toBe(0);
  });

  it("skips a URL that is not configured", async () => {
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, {
      cwd: workspace(),
      environment: environment({ WEB_URL: "" }),
    });
    expect(run.status).toBe(0);
    expect(run.output).toContain("::notice::web app: no URL configured, skipped");
  });
});

describe("uptime: Slack alert", () => {
  let slack: CaptureSink;

  beforeAll(async () => {
    slack = await startCaptureSink();
  });

  afterAll(() => slack.close());

  it("posts the environment and the run URL to the webhook", async () => {
    const run = await runStepScript(alertScript, {
      cwd: workspace(),
      environment: {
        SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
        SLACK_SECRET_NAME: "STAGING_SLACK_WEBHOOK_URL",
        ENVIRONMENT_NAME: "staging",
        RUN_URL: "https://github.com/example-org/ai-platform/actions/runs/42",
      },
    });
    expect(run.status).toBe(0);
    expect(slack.requests.at(-1)?.json).toEqual({
      text: ":rotating_light: staging is down. Details: https://github.com/example-org/ai-platform/actions/runs/42",
    });
  });

  it("warns instead of failing when the webhook secret is not set", async () => {
    const before = slack.requests.length;
    const run = await runStepScript(alertScript, {
      cwd: workspace(),
      environment: { SLACK_SECRET_NAME: "STAGING_SLACK_WEBHOOK_URL", ENVIRONMENT_NAME: "staging" },
    });
    expect(run.status).toBe(0);
    expect(run.output).toContain("::warning::STAGING_SLACK_WEBHOOK_URL is not set");
    expect(slack.requests).toHaveLength(before);
  });
});

describe("rollback: web staging", () => {
  it("fails with what to do instead, since staging deploys are previews", async () => {
    const run = await runStepScript(stepScript("rollback.yml", "web-staging", "Explain"), {
      cwd: workspace(),
      environment: {},
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("Re-run the Web deploy workflow run");
  });
});

describe("rollback: input validation", () => {
  const validate = stepScript("rollback.yml", "functions-staging", "Validate the inputs");

  it("rejects a run id that is not a number, quoting the input name", async () => {
    const run = await runStepScript(validate, {
      cwd: workspace(),
      environment: { RUN_ID: "42; rm -rf /", SHA256: "a".repeat(64) },
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("functions-run-id must be the numeric id");
  });

  it("rejects a digest that is not 64 hex characters", async () => {
    const run = await runStepScript(validate, {
      cwd: workspace(),
      environment: { RUN_ID: "42", SHA256: "abc" },
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("functions-sha256 must be 64 lowercase hex characters");
  });

  it("accepts a run id and a digest", async () => {
    const run = await runStepScript(validate, {
      cwd: workspace(),
      environment: { RUN_ID: "42", SHA256: "a".repeat(64) },
    });
    expect(run.status).toBe(0);
  });
});
