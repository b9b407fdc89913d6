/**
 * The shell code inside the rendered workflows, run for real with bash, curl and jq against
 * loopback servers: the gateway hash and its verification, the uptime check (retries, degraded,
 * the time budget) and its incidents (GitHub issues, Slack once per incident, recovery), and the
 * rollback's input validation. The promotion path is in promotion.test.ts.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeArtifact } from "../functions/bundle/write-artifact";
import type { ArtifactManifest } from "../functions/bundle/manifest";
import { startCaptureSink, type CaptureSink } from "../test/support/capture-sink";
import { cronForInterval } from "./definitions/uptime";
import { startGitHubApiServer, type GitHubApiServer } from "./test/github-api-server";
import { runStepScript, stepScript } from "./test/run-step-script";
import { startStatusServer, type StatusServer } from "./test/status-server";

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

const digestScript = stepScript("infra.yml", "bundle", "Compute the gateway hash");
const verifyScript = stepScript("infra.yml", "up-staging", "Verify the gateway artifact");
const checkScript = stepScript("uptime.yml", "check-staging", "Check the web app and the gateway");
const reportScript = stepScript("uptime.yml", "check-staging", "Report incidents");
const bundleGlob = { ARTIFACT_GLOB: "dist/functions/*/manifest.json" };

/** Moves the bundle where a deploy job downloads it: `.artifacts/llm-gateway/<sha256>/`. */
function placeAsDownloaded(cwd: string, sha256: string): Record<string, string> {
  mkdirSync(join(cwd, ".artifacts/llm-gateway"), { recursive: true });
  renameSync(
    join(cwd, "dist/functions/llm-gateway"),
    join(cwd, `.artifacts/llm-gateway/${sha256}`),
  );
  return {
    GATEWAY_SHA256: sha256,
    ARTIFACT_GLOB: `.artifacts/llm-gateway/${sha256}/manifest.json`,
  };
}

afterAll(() => {
  for (const directory of workspaces) rmSync(directory, { recursive: true, force: true });
});

describe("infra: the gateway hash", () => {
  it("outputs the gateway manifest's sha256", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const run = await runStepScript(digestScript, { cwd, environment: bundleGlob });
    expect(run.outputs["sha256"]).toBe(manifest.sha256);
  });

  it("prints the hash to pin", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const run = await runStepScript(digestScript, { cwd, environment: bundleGlob });
    expect(run.output).toContain(`llm-gateway sha256 ${manifest.sha256}`);
  });

  it("refuses a bundle whose file differs from its manifest", async () => {
    const { cwd } = await workspaceWithArtifact();
    writeFileSync(
      join(cwd, "dist/functions/llm-gateway/chunks/shared.js"),
      "export const shared = 2;\n",
    );
    const run = await runStepScript(digestScript, { cwd, environment: bundleGlob });
    expect(run.status).toBe(1);
    expect(run.output).toContain("llm-gateway: chunks/shared.js does not match its manifest");
  });
});

describe("infra: verifying a downloaded gateway artifact", () => {
  it("accepts the artifact the bundle job hashed", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const run = await runStepScript(verifyScript, {
      cwd,
      environment: placeAsDownloaded(cwd, manifest.sha256),
    });
    expect(run.status).toBe(0);
  });

  it("refuses a file the manifest does not list", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const environment = placeAsDownloaded(cwd, manifest.sha256);
    writeFileSync(
      join(cwd, `.artifacts/llm-gateway/${manifest.sha256}/extra.js`),
      "globalThis.extra = true;\n",
    );
    const run = await runStepScript(verifyScript, { cwd, environment });
    expect(run.status).toBe(1);
    expect(run.output).toContain("3 files present, the manifest lists 2");
  });

  it("refuses an artifact whose manifest is another hash", async () => {
    const { cwd, manifest } = await workspaceWithArtifact();
    const environment = placeAsDownloaded(cwd, manifest.sha256);
    const run = await runStepScript(verifyScript, {
      cwd,
      environment: { ...environment, GATEWAY_SHA256: "c".repeat(64) },
    });
    expect(run.status).toBe(1);
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
    BUDGET_SECONDS: "420",
    ...overrides,
  });

  it("reports both components up when they answer 200", async () => {
    site.answer("/", [200]);
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.outputs).toMatchObject({ web: "up", gateway: "up" });
    expect(site.requests).toEqual(["/", "/functions/v1/llm-gateway/health"]);
  });

  it("retries before it reports an outage", async () => {
    site.answer("/", [200]);
    site.answer("/functions/v1/llm-gateway/health", [502]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.outputs["gateway"]).toBe("down");
    expect(site.requests.filter((path) => path.endsWith("/health"))).toHaveLength(3);
  });

  it("reports up when a retry succeeds", async () => {
    site.answer("/", [502, 200]);
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.outputs["web"]).toBe("up");
  });

  it("reports a 503 degraded answer as degraded, without retrying", async () => {
    site.answer("/functions/v1/llm-gateway/health", [503], '{"status":"degraded"}');
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.outputs["gateway"]).toBe("degraded");
    expect(site.requests.filter((path) => path.endsWith("/health"))).toHaveLength(1);
  });

  it("reports a 200 degraded answer as degraded", async () => {
    site.answer("/functions/v1/llm-gateway/health", [200], '{"status":"degraded"}');
    const run = await runStepScript(checkScript, { cwd: workspace(), environment: environment() });
    expect(run.outputs["gateway"]).toBe("degraded");
  });

  it("caps the attempts so every probe fits in the job's budget", async () => {
    site.answer("/", [200]);
    site.answer("/functions/v1/llm-gateway/health", [502]);
    const run = await runStepScript(checkScript, {
      cwd: workspace(),
      environment: environment({ RETRIES: "50", TIMEOUT_SECONDS: "5", BUDGET_SECONDS: "20" }),
    });
    expect(site.requests.filter((path) => path.endsWith("/health"))).toHaveLength(2);
    expect(run.output).toContain("probing 2 times");
  });

  it("skips a URL that is not configured", async () => {
    site.answer("/functions/v1/llm-gateway/health", [200]);
    const run = await runStepScript(checkScript, {
      cwd: workspace(),
      environment: environment({ WEB_URL: "" }),
    });
    expect(run.outputs["web"]).toBe("skipped");
    expect(run.output).toContain("::notice::web app: no URL configured, skipped");
  });
});

describe("uptime: incidents", () => {
  let slack: CaptureSink;
  let github: GitHubApiServer;

  beforeAll(async () => {
    slack = await startCaptureSink();
    github = await startGitHubApiServer({
      token: "ghs_uptime",
      repository: "example-org/ai-platform",
    });
  });

  afterAll(async () => {
    await slack.close();
    await github.stop();
  });

  beforeEach(() => {
    github.issues.length = 0;
  });

  const report = (gatewayState: string, overrides: Record<string, string> = {}) =>
    runStepScript(reportScript, {
      cwd: workspace(),
      environment: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: github.repository,
        GITHUB_TOKEN: "ghs_uptime",
        SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
        SLACK_SECRET_NAME: "SLACK_WEBHOOK_URL",
        MONITORING_ENVIRONMENT: "production-uptime",
        ENVIRONMENT_NAME: "production",
        WEB_STATE: "up",
        GATEWAY_STATE: gatewayState,
        WEB_URL: "https://web.example",
        GATEWAY_URL: "https://gateway.example/functions/v1/llm-gateway",
        RUN_URL: "https://github.com/example-org/ai-platform/actions/runs/42",
        ...overrides,
      },
    });

  it("names the environment, the component and the URL in the alert", async () => {
    const before = slack.requests.length;
    await report("down");
    expect(slack.requests.slice(before).map((request) => request.json)).toEqual([
      {
        text: ":rotating_light: production gateway is down: https://gateway.example/functions/v1/llm-gateway/health (incident #1, https://github.com/example-org/ai-platform/actions/runs/42)",
      },
    ]);
  });

  it("fails the job while a component is down", async () => {
    expect((await report("down")).status).toBe(1);
  });

  it("alerts once while the incident lasts", async () => {
    await report("down");
    const before = slack.requests.length;
    const run = await report("down");
    expect(slack.requests.length).toBe(before);
    expect(run.output).toContain("still down (incident #1), already alerted");
  });

  it("treats degraded as a warning that does not fail the job", async () => {
    const run = await report("degraded");
    expect(run.status).toBe(0);
    expect(github.issues[0]?.title).toBe("Uptime: production gateway is degraded");
  });

  it("closes the incident with a recovery message", async () => {
    await report("down");
    const before = slack.requests.length;
    await report("up");
    expect(github.issues[0]?.state).toBe("closed");
    expect(String((slack.requests[before]?.json as { text?: string })?.text)).toContain(
      ":white_check_mark: production gateway recovered",
    );
  });

  it("warns instead of failing when the webhook secret is not set", async () => {
    const run = await report("degraded", { SLACK_WEBHOOK_URL: "" });
    expect(run.status).toBe(0);
    expect(run.output).toContain("::warning::SLACK_WEBHOOK_URL is not set in production-uptime");
  });
});

describe("uptime: schedule", () => {
  it("runs every platform:uptime.intervalMinutes", () => {
    expect(cronForInterval(15)).toBe("*/15 * * * *");
  });

  it("runs whole-hour intervals on the hour", () => {
    expect(cronForInterval(120)).toBe("0 */2 * * *");
  });

  it("refuses an interval cron cannot express, naming the key", () => {
    expect(() => cronForInterval(90)).toThrow("platform:uptime.intervalMinutes");
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

  it("rejects a digest that is not 64 hex characters, quoting the input name", async () => {
    const run = await runStepScript(validate, {
      cwd: workspace(),
      environment: { SHA256: "abc; rm -rf /" },
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("functions-sha256 must be 64 lowercase hex characters");
  });

  it("accepts a digest", async () => {
    const run = await runStepScript(validate, {
      cwd: workspace(),
      environment: { SHA256: "a".repeat(64) },
    });
    expect(run.status).toBe(0);
  });
});
