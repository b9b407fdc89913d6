import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWithDeno, type DenoServer } from "../../test/supabase/deno-serve";
import { bundleFunction, bundleSource } from "./bundle-function";
import { artifactSha256, sha256Hex, type ArtifactManifest } from "./manifest";
import type { SupabaseFunctionSource } from "./supabase-functions";

const repositoryRoot = path.resolve(__dirname, "..", "..");
const fixture: SupabaseFunctionSource = {
  name: "health-function",
  entry: "functions/bundle/__fixtures__/health-function/index.ts",
  verifyJwt: false,
};

let workspace: string;
let manifest: ArtifactManifest;
let bundled: string;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "bundle-function-"));
  manifest = await bundleFunction(fixture, {
    repositoryRoot,
    outputDirectory: path.join(workspace, "artifact"),
  });
  bundled = await readFile(path.join(workspace, "artifact", "index.js"), "utf8");
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** A copy of the fixture in its own root, with the repository's node_modules linked in. */
async function copiedRoot(name: string): Promise<string> {
  const root = path.join(workspace, name);
  await cp(
    path.join(repositoryRoot, "functions/bundle/__fixtures__/health-function"),
    path.join(root, "functions/bundle/__fixtures__/health-function"),
    { recursive: true },
  );
  await symlink(path.join(repositoryRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

describe("bundleFunction manifest", () => {
  it("names the function, its entrypoint and verify_jwt default", () => {
    expect(manifest).toMatchObject({
      formatVersion: 1,
      name: "health-function",
      entrypoint: "index.js",
      verify_jwt: false,
    });
  });

  it("lists each file with the sha256 and size of its bytes", () => {
    expect(manifest.files).toEqual([
      { path: "index.js", sha256: sha256Hex(bundled), size: Buffer.byteLength(bundled) },
    ]);
    expect(manifest.size).toBe(Buffer.byteLength(bundled));
  });

  it("hashes the artifact over its sorted file list", () => {
    expect(manifest.sha256).toBe(artifactSha256(manifest.files));
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is written next to the bundle as manifest.json", async () => {
    const written = JSON.parse(
      await readFile(path.join(workspace, "artifact", "manifest.json"), "utf8"),
    );

    expect(written).toEqual(manifest);
  });
});

describe("bundleSource", () => {
  it("gives identical bytes for two runs on the same source", async () => {
    const first = await bundleSource(fixture, repositoryRoot);
    const second = await bundleSource(fixture, repositoryRoot);

    const digests = (files: Array<{ path: string; bytes: Uint8Array }>) =>
      files.map((file) => [file.path, sha256Hex(file.bytes)]);
    expect(digests(second.files)).toEqual(digests(first.files));
  });

  it("gives the same hash for the same source in another checkout", async () => {
    const root = await copiedRoot("same-source");

    const copied = await bundleFunction(fixture, {
      repositoryRoot: root,
      outputDirectory: path.join(root, "dist"),
    });

    expect(copied.sha256).toBe(manifest.sha256);
  });

  it("gives a new hash when any source file changes", async () => {
    const root = await copiedRoot("changed-source");
    await writeFile(
      path.join(root, "functions/bundle/__fixtures__/health-function/greeting.ts"),
      'export const greeting: string = "hello from a changed bundle";\n',
    );

    const changed = await bundleFunction(fixture, {
      repositoryRoot: root,
      outputDirectory: path.join(root, "dist"),
    });

    expect(changed.sha256).not.toBe(manifest.sha256);
  });

  it("inlines npm packages, leaving only node: built-ins to the runtime", async () => {
    const { externalImports } = await bundleSource(fixture, repositoryRoot);

    expect(externalImports).toEqual(["node:crypto"]);
    expect(bundled).toContain("ConsecutiveBreaker");
  });

  it("embeds no absolute path of the machine that built it", () => {
    expect(bundled).not.toContain(repositoryRoot);
  });
});

describe("the bundled artifact under Deno", () => {
  let server: DenoServer;

  beforeAll(async () => {
    server = await serveWithDeno({ modulePath: path.join(workspace, "artifact", "index.js") });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("answers /health with 200", async () => {
    const response = await fetch(`${server.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      greeting: "hello from the bundle",
    });
  });
});
