import { cp, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveCurrentArtifact, readManifest } from "../../functions/bundle/artifact-store";
import { bundleFunction } from "../../functions/bundle/bundle-function";
import type { SupabaseFunctionSource } from "../../functions/bundle/supabase-functions";
import { writeArtifact } from "../../functions/bundle/write-artifact";
import { resolveArtifact } from "./resolve-artifact";

const repositoryRoot = path.resolve(__dirname, "..", "..");
const fixtureFolder = "functions/bundle/__fixtures__/health-function";
const source: SupabaseFunctionSource = {
  name: "health-function",
  entry: `${fixtureFolder}/index.ts`,
  verifyJwt: false,
};
const currentFolder = "dist/functions/health-function";

let root: string;
let logged: string[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "resolve-artifact-"));
  logged = [];
  await cp(path.join(repositoryRoot, fixtureFolder), path.join(root, fixtureFolder), {
    recursive: true,
  });
  await symlink(path.join(repositoryRoot, "node_modules"), path.join(root, "node_modules"), "dir");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An archived build that is not the fixture's source (an earlier release). */
async function earlierBuild(): Promise<string> {
  const manifest = await writeArtifact(path.join(root, currentFolder), {
    name: source.name,
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode("export const build = 1;") }],
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

describe("resolveArtifact without a pin", () => {
  it("bundles the source when no build exists yet", async () => {
    const resolved = await resolveArtifact(options());

    const manifest = await readManifest(path.join(root, currentFolder));
    expect(resolved).toEqual({ sha256: manifest?.sha256, directory: currentFolder });
    expect(logged[0]).toContain("did not exist: bundled health-function");
  });

  it("uses an up-to-date build as it is", async () => {
    const built = await bundleFunction(source, {
      repositoryRoot: root,
      outputDirectory: path.join(root, currentFolder),
    });

    const resolved = await resolveArtifact(options());

    expect(resolved.sha256).toBe(built.sha256);
    expect(logged).toEqual([]);
  });

  it("rebuilds a stale build instead of deploying it", async () => {
    const built = await bundleFunction(source, {
      repositoryRoot: root,
      outputDirectory: path.join(root, currentFolder),
    });
    await writeFile(
      path.join(root, fixtureFolder, "greeting.ts"),
      'export const greeting: string = "changed after the bundle";\n',
    );

    const resolved = await resolveArtifact(options());

    expect(resolved.sha256).not.toBe(built.sha256);
    expect(logged[0]).toContain("was stale");
  });
});

describe("resolveArtifact with a pin", () => {
  it("uses the archived build the stack is pinned to", async () => {
    const earlier = await earlierBuild();
    await resolveArtifact(options());

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
    expect(logged[0]).toContain(`from the infra workflow's functions-${pin} artifact`);
  });
});
