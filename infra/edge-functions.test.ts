import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveCurrentArtifact } from "../functions/bundle/artifact-store";
import type { ArtifactManifest } from "../functions/bundle/manifest";
import type { SupabaseFunctionSource } from "../functions/bundle/supabase-functions";
import { writeArtifact } from "../functions/bundle/write-artifact";
import { installRecordingMocks, isSecretOutput, promiseOf } from "../test/pulumi";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../test/supabase/management-api-server";
import { EdgeFunctions, type EdgeFunctionsArgs } from "./edge-functions";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";

const recorder = installRecordingMocks({ stack: "staging" });

const repositoryRoot = path.resolve(__dirname, "..");
const fixtureFolder = "functions/bundle/__fixtures__/health-function";
// The small fixture stands in for the gateway, bundled from a copy of the repository.
const gatewaySource: SupabaseFunctionSource = {
  name: "llm-gateway",
  entry: `${fixtureFolder}/index.ts`,
  verifyJwt: false,
};
// The same fixture stands in for the job worker, under the worker's name.
const jobWorkerSource: SupabaseFunctionSource = { ...gatewaySource, name: "job-worker" };

const secretsType = "pulumi-nodejs:dynamic/supabase:Secrets";
const deploymentType = "pulumi-nodejs:dynamic/supabase:FunctionDeployment";
const plaintext = {
  accessToken: "sbp_plaintext_access_token",
  restToken: "upstash_plaintext_rest_token",
  anthropic: "sk-ant-plaintext",
  openai: "sk-openai-plaintext",
  gatewayKeys: "gw_plaintext_one,gw_plaintext_two",
  jobWorkerToken: "wake-plaintext-token",
  databaseUrl:
    "postgres://postgres.abcdefghijklmnopqrst:db-plaintext-password@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
};

let root: string;
let current: ArtifactManifest;
let earlier: ArtifactManifest;
let edgeFunctions: EdgeFunctions;
let pinned: EdgeFunctions;

function args(overrides: Partial<EdgeFunctionsArgs> = {}): EdgeFunctionsArgs {
  return {
    projectRef: "abcdefghijklmnopqrst",
    accessToken: plaintext.accessToken,
    verifyJwt: false,
    upstashRedisRestUrl: "https://example-redis.upstash.io",
    upstashRedisRestToken: plaintext.restToken,
    anthropicApiKey: plaintext.anthropic,
    openaiApiKey: plaintext.openai,
    gatewayApiKeys: plaintext.gatewayKeys,
    settings: {
      routes: { fast: [{ provider: "openai", model: "gpt-4o-mini" }] },
      prices: { "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
      expensiveTiers: [],
      dailyCapUsd: 5,
      responseCacheTtlSeconds: 3600,
      embeddingCacheTtlSeconds: 604800,
      posthogHost: "https://us.i.posthog.com",
      posthogKey: "phc_example",
      knobs: { maxRetries: 3, breakerHalfOpenAfterMs: 60_000 },
    },
    repositoryRoot: root,
    gatewaySource,
    jobWorkerSource,
    ...overrides,
  };
}

async function archivedBuild(text: string): Promise<ArtifactManifest> {
  const manifest = await writeArtifact(path.join(root, "dist/functions/llm-gateway"), {
    name: "llm-gateway",
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode(text) }],
  });
  await archiveCurrentArtifact(root, manifest);
  return manifest;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "edge-functions-"));
  await cp(path.join(repositoryRoot, fixtureFolder), path.join(root, fixtureFolder), {
    recursive: true,
  });
  await symlink(path.join(repositoryRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  earlier = await archivedBuild('Deno.serve(() => new Response("earlier"));');
  edgeFunctions = new EdgeFunctions("edge", args());
  pinned = new EdgeFunctions(
    "rollback",
    args({
      pinnedArtifactSha256: earlier.sha256,
      optionalSecrets: {
        geminiApiKey: "gemini-key-plaintext",
        databaseUrl: plaintext.databaseUrl,
      },
      jobWorkerToken: plaintext.jobWorkerToken,
    }),
  );
  await promiseOf(edgeFunctions.artifactSha256);
  await promiseOf(pinned.artifactSha256);
  await recorder.settled();
  current = JSON.parse(
    await readFile(path.join(root, "dist/functions/llm-gateway/manifest.json"), "utf8"),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("EdgeFunctions resources", () => {
  it("registers the secrets and the gateway deployment as its children", async () => {
    const urn = await promiseOf(edgeFunctions.urn);

    expect(recorder.named(secretsType, "edge-secrets").parent).toBe(urn);
    expect(recorder.named(deploymentType, "edge-llm-gateway").parent).toBe(urn);
  });

  it("deploys the job worker beside the gateway", async () => {
    const urn = await promiseOf(edgeFunctions.urn);
    const worker = recorder.named(deploymentType, "edge-job-worker");

    expect(worker.parent).toBe(urn);
    expect(worker.inputs.slug).toBe("job-worker");
    expect(worker.inputs.artifactDirectory).toBe("dist/functions/job-worker");
  });

  it("sets every documented gateway variable", () => {
    const secrets = recorder.named(secretsType, "edge-secrets");

    expect(Object.keys(secrets.inputs.values as object).sort()).toEqual([
      "ANTHROPIC_API_KEY",
      "EMBEDDING_CACHE_TTL_S",
      "GATEWAY_API_KEYS",
      "LLM_BREAKER_HALF_OPEN_AFTER_MS",
      "LLM_CACHE_TTL_S",
      "LLM_CACHE_VERSION",
      "LLM_DAILY_CAP_USD",
      "LLM_MAX_RETRIES",
      "LLM_PRICES",
      "LLM_ROUTES",
      "OPENAI_API_KEY",
      "POSTHOG_HOST",
      "POSTHOG_KEY",
      "UPSTASH_REDIS_REST_TOKEN",
      "UPSTASH_REDIS_REST_URL",
    ]);
  });

  it("writes an optional secret (the Gemini key) only on the stack that sets it", () => {
    const valuesOf = (name: string) =>
      recorder.named(secretsType, name).inputs.values as Record<string, string>;

    expect([
      valuesOf("edge-secrets").GEMINI_API_KEY,
      valuesOf("rollback-secrets").GEMINI_API_KEY,
    ]).toEqual([undefined, "gemini-key-plaintext"]);
  });

  it("writes the database URL (platform:databaseUrl) only on the stack that sets it", () => {
    const valuesOf = (name: string) =>
      recorder.named(secretsType, name).inputs.values as Record<string, string>;

    expect([
      valuesOf("edge-secrets").DATABASE_URL,
      valuesOf("rollback-secrets").DATABASE_URL,
    ]).toEqual([undefined, plaintext.databaseUrl]);
  });

  it("writes the wake-up token (platform:jobWorkerToken) as JOB_WORKER_TOKEN only when set", () => {
    const valuesOf = (name: string) =>
      recorder.named(secretsType, name).inputs.values as Record<string, string>;

    expect([
      valuesOf("edge-secrets").JOB_WORKER_TOKEN,
      valuesOf("rollback-secrets").JOB_WORKER_TOKEN,
    ]).toEqual([undefined, plaintext.jobWorkerToken]);
  });

  it("names the job worker's slug for the wake-up's URL", () => {
    expect(edgeFunctions.jobWorkerSlug).toBe("job-worker");
  });

  it("wires the Upstash token into the secret values", () => {
    const values = recorder.named(secretsType, "edge-secrets").inputs.values as Record<
      string,
      string
    >;

    expect(values.UPSTASH_REDIS_REST_TOKEN).toBe(plaintext.restToken);
  });

  it("passes the secret values and the access token as Pulumi secrets", () => {
    expect(recorder.named(secretsType, "edge-secrets").secretInputs).toEqual(
      expect.arrayContaining(["values", "accessToken"]),
    );
    expect(recorder.named(deploymentType, "edge-llm-gateway").secretInputs).toContain(
      "accessToken",
    );
  });

  it("keeps every plaintext secret out of the printable inputs", () => {
    const printable = JSON.stringify(recorder.resources.map((resource) => resource.redactedInputs));

    for (const value of Object.values(plaintext)) expect(printable).not.toContain(value);
  });

  it("keeps the access token a secret output", () => {
    expect(recorder.named(deploymentType, "edge-llm-gateway").additionalSecretOutputs).toContain(
      "accessToken",
    );
  });

  it("deploys the build of the checked-out source by its hash", () => {
    const deployment = recorder.named(deploymentType, "edge-llm-gateway");

    expect(deployment.inputs).toMatchObject({
      slug: "llm-gateway",
      artifactSha256: current.sha256,
      artifactDirectory: "dist/functions/llm-gateway",
      verifyJwt: false,
    });
  });

  it("deploys the pinned earlier build from the archive", () => {
    const deployment = recorder.named(deploymentType, "rollback-llm-gateway");

    expect(deployment.inputs).toMatchObject({
      artifactSha256: earlier.sha256,
      artifactDirectory: `.artifacts/llm-gateway/${earlier.sha256}`,
    });
  });
});

describe("EdgeFunctions outputs", () => {
  it("exposes the artifact hash", async () => {
    expect(await promiseOf(edgeFunctions.artifactSha256)).toBe(current.sha256);
  });

  it("exposes the gateway URL of the project", async () => {
    expect(await promiseOf(edgeFunctions.gatewayUrl)).toBe(
      "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
    );
  });

  it("does not expose secret values through the secret names", async () => {
    expect(await isSecretOutput(edgeFunctions.secretNames)).toBe(false);
    expect(await promiseOf(edgeFunctions.secretNames)).toContain("OPENAI_API_KEY");
  });
});

describe("serialized dynamic providers", () => {
  const accessToken = "sbp_serialized_provider_token";
  const projectRef = "abcdefghijklmnopqrst";
  let server: ManagementApiServer;
  let scratch: string;

  beforeAll(async () => {
    server = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
    scratch = await mkdtemp(path.join(tmpdir(), "serialized-provider-"));
  });

  afterAll(async () => {
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Loads `__provider` the way Pulumi's dynamic provider host does: as a module exporting `handler`. */
  async function deserialize(type: string, name: string): Promise<ResourceProvider> {
    const file = path.join(scratch, `${name}.js`);
    await writeFile(file, String(recorder.named(type, name).inputs.__provider));
    const loaded = createRequire(file)(file) as { handler(): ResourceProvider };
    return loaded.handler();
  }

  it("sets secrets through the deserialized secrets provider", async () => {
    const provider = await deserialize(secretsType, "edge-secrets");

    await provider.create({
      apiUrl: server.url,
      accessToken,
      projectRef,
      values: { LLM_DAILY_CAP_USD: "5" },
    });

    expect(server.secrets.get(projectRef)?.get("LLM_DAILY_CAP_USD")).toBe("5");
  });

  it("deploys an artifact through the deserialized deployment provider", async () => {
    const provider = await deserialize(deploymentType, "edge-llm-gateway");

    await provider.create({
      apiUrl: server.url,
      accessToken,
      projectRef,
      slug: "llm-gateway",
      artifactSha256: current.sha256,
      artifactDirectory: path.join(root, "dist/functions/llm-gateway"),
      verifyJwt: false,
    });

    expect(server.functions.get(projectRef)?.get("llm-gateway")?.files[0].text).toContain(
      "hello from the bundle",
    );
  });
});
