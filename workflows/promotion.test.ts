/**
 * The path of one gateway build from the bundle job to production and back, driving the real step
 * scripts of infra.yml and rollback.yml (bash, curl, jq, unzip) against a loopback GitHub API, and
 * `pulumi up`'s part (the program's artifact resolution and the deploy provider) against the
 * loopback Supabase Management API.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supabaseFunctions } from "../functions/bundle/supabase-functions";
import { readPinnedArtifact } from "../functions/bundle/stack-pin";
import { writeArtifact } from "../functions/bundle/write-artifact";
import { accessTokenConfigKey } from "../infra/supabase/access-token";
import { createFunctionDeploymentProvider } from "../infra/supabase/function-deployment-provider";
import { resolveArtifact } from "../infra/supabase/resolve-artifact";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../test/supabase/management-api-server";
import { providerConfig } from "../test/supabase/provider-config";
import {
  startGitHubApiServer,
  type GitHubApiServer,
  type WorkflowRun,
} from "./test/github-api-server";
import { runStepScript, stepScript, type StepRun } from "./test/run-step-script";

const repositoryRoot = join(__dirname, "..");
const repository = "example-org/ai-platform";
const githubToken = "ghs_loopback";
const supabaseToken = "sbp_loopback";
const projectRefs = { staging: "stagingrefaaaaaaaaaa", production: "productionrefbbbbbbb" };
const gatewaySource = supabaseFunctions.find((source) => source.name === "llm-gateway")!;
const directories: string[] = [];

let github: GitHubApiServer;
let supabase: ManagementApiServer;
const provider = createFunctionDeploymentProvider();

function directory(prefix: string): string {
  const created = mkdtempSync(join(tmpdir(), prefix));
  directories.push(created);
  return created;
}

/** A fresh checkout: the stack files, plus the repository's tools (the pin CLI and node_modules). */
function checkout(stackFiles: Record<string, string> = {}): string {
  const cwd = directory("promotion-checkout-");
  symlinkSync(join(repositoryRoot, "node_modules"), join(cwd, "node_modules"), "dir");
  symlinkSync(join(repositoryRoot, "functions"), join(cwd, "functions"), "dir");
  for (const stack of ["staging", "production"]) {
    const file = `Pulumi.${stack}.yaml`;
    if (stackFiles[file] !== undefined) writeFileSync(join(cwd, file), stackFiles[file]);
    else copyFileSync(join(repositoryRoot, file), join(cwd, file));
  }
  return cwd;
}

const deployRun = (id: number, overrides: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id,
  path: ".github/workflows/infra.yml",
  event: "workflow_run",
  head_branch: "main",
  repository: { full_name: repository },
  head_repository: { full_name: repository },
  ...overrides,
});

/** Bundles a gateway build into `dist/functions` and runs the bundle job's hash step. */
async function bundle(source: string): Promise<{ cwd: string; sha256: string }> {
  const cwd = directory("promotion-bundle-");
  await writeArtifact(join(cwd, "dist/functions/llm-gateway"), {
    name: "llm-gateway",
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode(source) }],
  });
  const run = await runStepScript(stepScript("infra.yml", "bundle", "Compute the gateway hash"), {
    cwd,
    environment: { ARTIFACT_GLOB: "dist/functions/*/manifest.json" },
  });
  expect(run.status).toBe(0);
  return { cwd, sha256: run.outputs["sha256"] ?? "" };
}

/** What upload-artifact stores: the zipped `dist/functions` folder, under run `runId`. */
function upload(bundled: { cwd: string; sha256: string }, run: WorkflowRun): void {
  github.runs.set(run.id, run);
  const archive = join(bundled.cwd, "artifact.zip");
  expect(
    spawnSync("zip", ["-qr", archive, "."], { cwd: join(bundled.cwd, "dist/functions") }).status,
  ).toBe(0);
  github.artifacts.push({
    id: 1000 + github.artifacts.length,
    name: `functions-${bundled.sha256}`,
    runId: run.id,
    zip: readFileSync(archive),
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, github.artifacts.length)).toISOString(),
  });
}

const apiEnvironment = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: repository,
  GITHUB_TOKEN: githubToken,
  DEPLOY_WORKFLOW_PATH: ".github/workflows/infra.yml",
  ROLLBACK_WORKFLOW_PATH: ".github/workflows/rollback.yml",
  DEPLOY_BRANCH: "main",
});

function step(
  file: string,
  job: string,
  name: string,
  cwd: string,
  environment: Record<string, string>,
) {
  return runStepScript(stepScript(file, job, name), {
    cwd,
    environment: { ...apiEnvironment(), ...environment },
  });
}

/** A `pulumi` on PATH that only records how it was called (the CLI does not run here). */
function fakePulumi(): { bin: string; log: string } {
  const bin = directory("promotion-bin-");
  const log = join(bin, "calls.log");
  writeFileSync(
    join(bin, "pulumi"),
    `#!/bin/bash\necho "pulumi $* token=\${PULUMI_ACCESS_TOKEN:+set}" >> "${log}"\n`,
    { mode: 0o755 },
  );
  return { bin, log };
}

/**
 * One `pulumi up` job of `file`/`job` on a fresh checkout: choose, find (provenance), [check
 * staging], download, verify, the pulumi step, then what the program does with the stack file the
 * step left: resolve the artifact (a real deployment: no missing files allowed) and deploy it.
 */
async function deployJob(options: {
  file: string;
  job: string;
  stack: "staging" | "production";
  cwd: string;
  sha256: string;
  bundledSha256?: string;
}): Promise<{ steps: Record<string, StepRun>; deployed?: string; pulumiCalls?: string }> {
  const { file, job, stack, cwd } = options;
  const steps: Record<string, StepRun> = {};
  let sha256 = options.sha256;
  if (file === "infra.yml") {
    steps["choose"] = await step(file, job, "Choose the gateway artifact", cwd, {
      STACK_FILE: `Pulumi.${stack}.yaml`,
      BUNDLED_SHA256: options.bundledSha256 ?? "",
    });
    if (steps["choose"].status !== 0) return { steps };
    sha256 = steps["choose"].outputs["sha256"] ?? "";
  }
  steps["find"] = await step(file, job, "Find the gateway artifact and check its provenance", cwd, {
    GATEWAY_SHA256: sha256,
  });
  if (steps["find"].status !== 0) return { steps };
  if (stack === "production" || file === "rollback.yml") {
    steps["check"] = await step(file, job, "Check that staging ran this artifact", cwd, {
      RECORD_ENVIRONMENT: "staging",
      TASK: "deploy:gateway",
      ARTIFACT_SHA256: sha256,
    });
    if (steps["check"].status !== 0) return { steps };
  }
  steps["download"] = await step(file, job, "Download the gateway artifact", cwd, {
    ARTIFACT_ID: steps["find"].outputs["artifact_id"] ?? "",
    GATEWAY_SHA256: sha256,
  });
  steps["verify"] = await step(file, job, "Verify the gateway artifact", cwd, {
    GATEWAY_SHA256: sha256,
    ARTIFACT_GLOB: `.artifacts/llm-gateway/${sha256}/manifest.json`,
  });
  const pulumi = fakePulumi();
  steps["pulumi"] = await runStepScript(stepScript(file, job, "pulumi up"), {
    cwd,
    environment: {
      PATH: `${pulumi.bin}:${process.env["PATH"] ?? ""}`,
      STACK: stack,
      GATEWAY_SHA256: sha256,
      PULUMI_ACCESS_TOKEN: "pul-loopback",
    },
  });
  if ([steps["download"], steps["verify"], steps["pulumi"]].some((run) => run.status !== 0))
    return { steps };

  // What the program does in `pulumi up`: resolve the gateway from the stack file, then deploy.
  const pin = readPinnedArtifact(readFileSync(join(cwd, `Pulumi.${stack}.yaml`), "utf8"));
  const resolved = await resolveArtifact({
    repositoryRoot: cwd,
    source: gatewaySource,
    pinnedSha256: pin,
    allowMissingPin: false,
    log: () => undefined,
  });
  await provider.create({
    apiUrl: supabase.url,
    accessToken: supabaseToken,
    projectRef: projectRefs[stack],
    slug: "llm-gateway",
    artifactSha256: resolved.sha256,
    artifactDirectory: join(cwd, resolved.directory),
    verifyJwt: false,
  });
  steps["record"] = await step(file, job, "Record the deployment", cwd, {
    RECORD_ENVIRONMENT: stack,
    TASK: "deploy:gateway",
    ARTIFACT_SHA256: resolved.sha256,
    PINNED: file === "rollback.yml" ? "true" : "false",
    COMMIT_SHA: "0123456789abcdef0123456789abcdef01234567",
    RUN_ID: file === "rollback.yml" ? "300" : "100",
  });
  return { steps, deployed: resolved.sha256, pulumiCalls: readFileSync(pulumi.log, "utf8") };
}

/** File hashes of the gateway deployed to a project. */
function deployedFiles(stack: "staging" | "production"): string[] {
  return (supabase.functions.get(projectRefs[stack])?.get("llm-gateway")?.files ?? []).map(
    (file) => `${file.name} ${file.sha256}`,
  );
}

let first: { cwd: string; sha256: string };
let second: { cwd: string; sha256: string };
let staging: Awaited<ReturnType<typeof deployJob>>;
let production: Awaited<ReturnType<typeof deployJob>>;
let untested: Awaited<ReturnType<typeof deployJob>>;
let secondStaging: Awaited<ReturnType<typeof deployJob>>;
let rollback: Awaited<ReturnType<typeof deployJob>>;
let pinRecord: StepRun;
let stagingFilesAtPromotion: string[];
let productionFilesAtPromotion: string[];

beforeAll(async () => {
  github = await startGitHubApiServer({ token: githubToken, repository });
  supabase = await startManagementApiServer({
    accessToken: supabaseToken,
    projectRefs: Object.values(projectRefs),
  });
  await provider.configure!({ config: providerConfig({ [accessTokenConfigKey]: supabaseToken }) });
  github.runs.set(300, {
    ...deployRun(300),
    path: ".github/workflows/rollback.yml",
    event: "workflow_dispatch",
  });

  // 1. Build once: run 100 bundles the first build; staging and production deploy it.
  first = await bundle('Deno.serve(() => new Response("first"));');
  upload(first, deployRun(100));
  staging = await deployJob({
    file: "infra.yml",
    job: "up-staging",
    stack: "staging",
    cwd: checkout(),
    sha256: "",
    bundledSha256: first.sha256,
  });
  production = await deployJob({
    file: "infra.yml",
    job: "up-production",
    stack: "production",
    cwd: checkout(),
    sha256: "",
    bundledSha256: first.sha256,
  });
  stagingFilesAtPromotion = deployedFiles("staging");
  productionFilesAtPromotion = deployedFiles("production");

  // 2. A second build (run 101) whose production job runs before staging ever ran it: refused.
  second = await bundle('Deno.serve(() => new Response("second"));');
  upload(second, deployRun(101));
  untested = await deployJob({
    file: "infra.yml",
    job: "up-production",
    stack: "production",
    cwd: checkout(),
    sha256: "",
    bundledSha256: second.sha256,
  });
  secondStaging = await deployJob({
    file: "infra.yml",
    job: "up-staging",
    stack: "staging",
    cwd: checkout(),
    sha256: "",
    bundledSha256: second.sha256,
  });

  // 3. Rollback of staging to the first build, by hash; a pull request run uploaded an artifact
  // of the same name later (newest): provenance skips it.
  upload({ ...first }, deployRun(102, { event: "pull_request", head_branch: "feature" }));
  github.files.set(
    "Pulumi.staging.yaml",
    readFileSync(join(repositoryRoot, "Pulumi.staging.yaml"), "utf8"),
  );
  const rollbackCheckout = checkout();
  rollback = await deployJob({
    file: "rollback.yml",
    job: "functions-staging",
    stack: "staging",
    cwd: rollbackCheckout,
    sha256: first.sha256,
  });
  pinRecord = await step(
    "rollback.yml",
    "functions-staging",
    "Record the pin in the stack file",
    rollbackCheckout,
    {
      STACK: "staging",
      GATEWAY_SHA256: first.sha256,
    },
  );
}, 120_000);

afterAll(async () => {
  await github?.stop();
  await supabase?.stop();
  for (const created of directories) rmSync(created, { recursive: true, force: true });
});

describe("promotion by hash", () => {
  it("deploys the bundled hash to staging", () => {
    expect(staging.deployed).toBe(first.sha256);
  });

  it("records the staging deployment with the hash", () => {
    expect(github.deployments[0]).toMatchObject({
      environment: "staging",
      task: "deploy:gateway",
      payload: { artifact_sha256: first.sha256 },
    });
  });

  it("lets production pass the staging check", () => {
    expect(production.steps["check"]?.status).toBe(0);
  });

  it("deploys to production the same bytes staging ran", () => {
    expect(production.deployed).toBe(first.sha256);
    expect(productionFilesAtPromotion.length).toBeGreaterThan(0);
    expect(productionFilesAtPromotion).toEqual(stagingFilesAtPromotion);
  });

  it("runs pulumi up of the stack with the Pulumi token in that step", () => {
    expect(production.pulumiCalls).toBe(
      "pulumi up --yes --non-interactive --stack production token=set\n",
    );
  });

  it("refuses a production deploy of a hash staging never ran", () => {
    expect(untested.steps["check"]?.status).toBe(1);
    expect(untested.steps["check"]?.output).toContain(
      `staging has not run deploy:gateway ${second.sha256} successfully`,
    );
    expect(untested.deployed).toBeUndefined();
  });
});

describe("rollback by hash", () => {
  it("skips the newer artifact a pull request run uploaded under the same name", () => {
    expect(rollback.steps["find"]?.output).toContain("run 102 is not a deploy of main");
    expect(rollback.steps["find"]?.outputs["run_id"]).toBe("100");
  });

  it("deploys the earlier hash to staging again", () => {
    expect(secondStaging.deployed).toBe(second.sha256);
    expect(rollback.deployed).toBe(first.sha256);
    expect(
      supabase.functions.get(projectRefs.staging)?.get("llm-gateway")?.files[0]?.text,
    ).toContain('"first"');
  });

  it("records the pin in the stack file on the deploy branch", () => {
    expect(pinRecord.status).toBe(0);
    expect(readPinnedArtifact(github.files.get("Pulumi.staging.yaml") ?? "")).toBe(first.sha256);
  });

  it("refuses a hash whose only artifact a pull request uploaded", async () => {
    const forged = await bundle('Deno.serve(() => new Response("from a pull request"));');
    upload(
      forged,
      deployRun(103, {
        event: "pull_request",
        head_branch: "main",
        head_repository: { full_name: "someone/fork" },
      }),
    );
    const run = await step(
      "rollback.yml",
      "functions-staging",
      "Find the gateway artifact and check its provenance",
      checkout(),
      { GATEWAY_SHA256: forged.sha256 },
    );
    expect(run.status).toBe(1);
    expect(run.output).toContain(
      `no artifact functions-${forged.sha256} built by .github/workflows/infra.yml on main`,
    );
  });
});

describe("the next pulumi up on a fresh runner", () => {
  let next: Awaited<ReturnType<typeof deployJob>>;

  beforeAll(async () => {
    // A new commit on main (run 104 bundled `second` again); the checkout carries the pinned file.
    const cwd = checkout({ "Pulumi.staging.yaml": github.files.get("Pulumi.staging.yaml") ?? "" });
    next = await deployJob({
      file: "infra.yml",
      job: "up-staging",
      stack: "staging",
      cwd,
      sha256: "",
      bundledSha256: second.sha256,
    });
  }, 60_000);

  it("chooses the pinned hash over the new bundle", () => {
    expect(next.steps["choose"]?.outputs).toMatchObject({ sha256: first.sha256, pinned: "true" });
  });

  it("fetches the pinned artifact by hash and keeps it deployed", () => {
    expect(next.deployed).toBe(first.sha256);
  });

  it("lets the offline plan show the pin on a checkout without any artifact files", async () => {
    const cwd = checkout({ "Pulumi.staging.yaml": github.files.get("Pulumi.staging.yaml") ?? "" });
    const pin = readPinnedArtifact(readFileSync(join(cwd, "Pulumi.staging.yaml"), "utf8"));
    const resolved = await resolveArtifact({
      repositoryRoot: cwd,
      source: gatewaySource,
      pinnedSha256: pin,
      allowMissingPin: true,
      log: () => undefined,
    });
    expect(resolved.sha256).toBe(first.sha256);
  });
});
