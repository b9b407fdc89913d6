import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWithDeno, type DenoServer } from "../../test/supabase/deno-serve";
import { startRedisServer, type RedisServer } from "../../test/support/redis-server";
import { bundleFunction, bundleSource } from "./bundle-function";
import { optionalUnbundledImports } from "./deno-compat-plugin";
import type { ArtifactManifest } from "./manifest";
import { supabaseFunctions } from "./supabase-functions";

const repositoryRoot = path.resolve(__dirname, "..", "..");
const gateway = supabaseFunctions.find((source) => source.name === "llm-gateway");

let workspace: string;
let manifest: ArtifactManifest;
let server: DenoServer;

beforeAll(async () => {
  if (!gateway) throw new Error("supabase-functions.ts lists no llm-gateway");
  workspace = await mkdtemp(path.join(tmpdir(), "llm-gateway-artifact-"));
  manifest = await bundleFunction(gateway, {
    repositoryRoot,
    outputDirectory: path.join(workspace, "llm-gateway"),
  });
  // Only the artifact's folder exists next to it: nothing from the source tree can be loaded.
  server = await serveWithDeno({
    modulePath: path.join(workspace, "llm-gateway", manifest.entrypoint),
    environment: { HOST: "127.0.0.1" },
  });
});

afterAll(async () => {
  await server?.stop();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

/** The text of the artifact file whose path starts with `prefix`. */
async function artifactFile(prefix: string): Promise<string> {
  const file = manifest.files.find((candidate) => candidate.path.startsWith(prefix));
  if (!file) throw new Error(`the artifact has no ${prefix}* file`);
  return readFile(path.join(workspace, "llm-gateway", file.path), "utf8");
}

describe("the llm-gateway artifact", () => {
  it("puts each store client in its own content-hashed module next to the entry", () => {
    const paths = manifest.files.map((file) => file.path);

    expect(paths).toContain("index.js");
    expect(paths.filter((file) => /^redis-store-[A-Z0-9]{8}\.js$/.test(file))).toHaveLength(1);
    expect(paths.filter((file) => /^upstash-store-[A-Z0-9]{8}\.js$/.test(file))).toHaveLength(1);
  });

  it("leaves the Redis client out of the entry module", async () => {
    const entry = await artifactFile("index.js");

    expect(entry).not.toContain("node_modules/@redis/client");
    expect(await artifactFile("redis-store-")).toContain("node_modules/@redis/client");
  });

  it("loads node:module only in the module that require()s built-ins", async () => {
    expect(await artifactFile("index.js")).not.toContain('"node:module"');
    expect(await artifactFile("redis-store-")).toContain('from "node:module"');
  });

  it("leaves only node: built-ins and known optional packages to the runtime", async () => {
    const { externalImports } = await bundleSource(gateway!, repositoryRoot);

    const unbundled = externalImports.filter((specifier) => !specifier.startsWith("node:"));
    expect(unbundled.every((specifier) => optionalUnbundledImports.includes(specifier))).toBe(true);
    expect(externalImports).toContain("node:net");
  });

  it("answers /health with 200 when served by Deno", async () => {
    const response = await fetch(`${server.url}/health`);

    expect(response.status).toBe(200);
  });

  it("answers under the Supabase function prefix too", async () => {
    const response = await fetch(`${server.url}/llm-gateway/health`);

    expect(response.status).toBe(200);
  });
});

describe("the llm-gateway artifact with a Redis store", () => {
  let redis: RedisServer;
  let redisGateway: DenoServer;

  beforeAll(async () => {
    redis = await startRedisServer();
    redisGateway = await serveWithDeno({
      modulePath: path.join(workspace, "llm-gateway", manifest.entrypoint),
      environment: { HOST: "127.0.0.1", REDIS_URL: redis.url },
    });
  });

  afterAll(async () => {
    await redisGateway?.stop();
    await redis?.stop();
  });

  it("loads the Redis chunk and reaches the server from /health", async () => {
    const response = await fetch(`${redisGateway.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ store: { kind: "redis", reachable: true } });
  });
});
