import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveCurrentArtifact, readManifest } from "../../functions/bundle/artifact-store";
import type { SupabaseFunctionSource } from "../../functions/bundle/supabase-functions";
import { writeArtifact } from "../../functions/bundle/write-artifact";
import { resolveArtifact } from "./resolve-artifact";

const repositoryRoot = path.resolve(__dirname, "..", "..");
const source: SupabaseFunctionSource = {
  name: "health-function",
  entry: "functions/bundle/__fixtures__/health-function/index.ts",
  verifyJwt: false,
};

let root: string;
let logged: string[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "resolve-artifact-"));
  logged = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function prebuilt(text: string): Promise<string> {
  const manifest = await writeArtifact(path.join(root, "dist/functions/health-function"), {
    name: source.name,
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode(text) }],
  });
  await archiveCurrentArtifact(root, manifest);
  return manifest.sha256;
}

function options(pinnedSha256?: string, allowMissingPin = false) {
  return {
    repositoryRoot: root,
    source,
    pinnedSha256,
    allowMissingPin,
    log: (message: string) => logged.push(message),
  };
}

describe("resolveArtifact", () => {
  it("uses the current build when not pinned", async () => {
    const sha256 = await prebuilt("export const build = 1;");

    expect(await resolveArtifact(options())).toEqual({
      sha256,
      directory: "dist/functions/health-function",
    });
  });

  it("uses the archived build a stack is pinned to", async () => {
    const earlier = await prebuilt("export const build = 1;");
    await prebuilt("export const build = 2;");

    expect(await resolveArtifact(options(earlier))).toEqual({
      sha256: earlier,
      directory: `.artifacts/health-function/${earlier}`,
    });
  });

  it("fails a real deployment whose pinned build is missing, saying where to put it", async () => {
    const pin = "a".repeat(64);

    await expect(resolveArtifact(options(pin))).rejects.toThrow(
      `platform:supabase.pinnedArtifactSha256 is ${pin}, but neither .artifacts/health-function/${pin}/`,
    );
  });

  it("lets the offline plan show a pinned hash whose files are elsewhere", async () => {
    const pin = "a".repeat(64);

    const resolved = await resolveArtifact(options(pin, true));

    expect(resolved.sha256).toBe(pin);
    expect(logged[0]).toContain('Unpack the CI artifact "functions-');
  });

  it("bundles the function when no build exists yet", async () => {
    await cp(
      path.join(repositoryRoot, "functions/bundle/__fixtures__"),
      path.join(root, "functions/bundle/__fixtures__"),
      { recursive: true },
    );
    await symlink(
      path.join(repositoryRoot, "node_modules"),
      path.join(root, "node_modules"),
      "dir",
    );

    const resolved = await resolveArtifact(options());

    const manifest = await readManifest(path.join(root, "dist/functions/health-function"));
    expect(resolved.sha256).toBe(manifest?.sha256);
    expect(logged[0]).toContain("bundled health-function");
  });
});
