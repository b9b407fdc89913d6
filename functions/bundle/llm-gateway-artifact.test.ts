import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWithDeno, type DenoServer } from "../../test/supabase/deno-serve";
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

describe("the llm-gateway artifact", () => {
  it("is a single ES module", () => {
    expect(manifest.files.map((file) => file.path)).toEqual(["index.js"]);
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
