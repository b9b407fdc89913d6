import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readVerifiedArtifact } from "./manifest";
import { describeArtifact, writeArtifact, type ArtifactContent } from "./write-artifact";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "write-artifact-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function content(files: Record<string, string>): ArtifactContent {
  return {
    name: "llm-gateway",
    entrypoint: "index.js",
    verifyJwt: false,
    files: Object.entries(files).map(([filePath, text]) => ({
      path: filePath,
      bytes: new TextEncoder().encode(text),
    })),
  };
}

describe("writeArtifact", () => {
  it("writes files and a manifest that verifies", async () => {
    const directory = path.join(root, "llm-gateway");

    const manifest = await writeArtifact(directory, content({ "index.js": "export {};" }));

    expect((await readVerifiedArtifact(directory, manifest.sha256)).manifest).toEqual(manifest);
  });

  it("removes files of the previous build", async () => {
    const directory = path.join(root, "llm-gateway");
    await writeArtifact(directory, content({ "index.js": "export {};", "old.js": "1" }));

    await writeArtifact(directory, content({ "index.js": "export {};" }));

    expect((await readdir(directory)).sort()).toEqual(["index.js", "manifest.json"]);
  });

  it("leaves one complete build when several processes write at once", async () => {
    const directory = path.join(root, "llm-gateway");
    const same = content({ "index.js": "export const same = true;" });

    await Promise.all(Array.from({ length: 6 }, () => writeArtifact(directory, same)));

    const expected = describeArtifact(same).sha256;
    expect((await readVerifiedArtifact(directory, expected)).manifest.sha256).toBe(expected);
    expect(await readdir(root)).toEqual(["llm-gateway"]);
  });

  it("rejects an entrypoint that is not one of the files", () => {
    expect(() =>
      describeArtifact({ ...content({ "main.js": "" }), entrypoint: "index.js" }),
    ).toThrow('entrypoint "index.js" is not one of the artifact\'s files');
  });
});
