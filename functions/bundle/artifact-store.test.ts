import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  archiveCurrentArtifact,
  archivedArtifactDirectory,
  currentArtifactDirectory,
  locateArtifact,
} from "./artifact-store";
import { readVerifiedArtifact, type ArtifactManifest } from "./manifest";
import { writeArtifact } from "./write-artifact";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "artifact-store-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function build(source: string): Promise<ArtifactManifest> {
  return writeArtifact(path.join(root, currentArtifactDirectory("llm-gateway")), {
    name: "llm-gateway",
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode(source) }],
  });
}

describe("archiveCurrentArtifact", () => {
  it("copies the current build under .artifacts/<name>/<sha256>", async () => {
    const manifest = await build("export const version = 1;");

    const archived = await archiveCurrentArtifact(root, manifest);

    expect(archived).toBe(`.artifacts/llm-gateway/${manifest.sha256}`);
    const verified = await readVerifiedArtifact(path.join(root, archived), manifest.sha256);
    expect(verified.manifest).toEqual(manifest);
  });
});

describe("locateArtifact", () => {
  it("uses the current build when nothing is pinned", async () => {
    const manifest = await build("export const version = 1;");

    const located = await locateArtifact(root, "llm-gateway");

    expect(located).toEqual({ directory: "dist/functions/llm-gateway", manifest });
  });

  it("finds a pinned earlier build in the archive after a newer build", async () => {
    const earlier = await build("export const version = 1;");
    await archiveCurrentArtifact(root, earlier);
    await build("export const version = 2;");

    const located = await locateArtifact(root, "llm-gateway", earlier.sha256);

    expect(located?.directory).toBe(archivedArtifactDirectory("llm-gateway", earlier.sha256));
    expect(located?.manifest.sha256).toBe(earlier.sha256);
  });

  it("accepts the current build when it has the pinned hash", async () => {
    const manifest = await build("export const version = 1;");

    const located = await locateArtifact(root, "llm-gateway", manifest.sha256);

    expect(located?.directory).toBe("dist/functions/llm-gateway");
  });

  it("finds nothing for a pinned hash that was never built here", async () => {
    await build("export const version = 1;");

    expect(await locateArtifact(root, "llm-gateway", "f".repeat(64))).toBeUndefined();
  });

  it("finds nothing before the first bundle", async () => {
    expect(await locateArtifact(root, "llm-gateway")).toBeUndefined();
  });
});
