// The staging and production plans, started together in a fresh checkout, each bundle the gateway
// into the same dist/functions/<name>/ and archive it under .artifacts/. Neither may fail.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveCurrentArtifact, archivedArtifactDirectory } from "./artifact-store";
import { readVerifiedArtifact } from "./manifest";
import { writeArtifact, type ArtifactContent } from "./write-artifact";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "concurrent-artifact-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

// Many files make the window between removing a folder and renaming its replacement wide.
const content: ArtifactContent = {
  name: "llm-gateway",
  entrypoint: "index.js",
  verifyJwt: false,
  files: Array.from({ length: 40 }, (_, index) => ({
    path: index === 0 ? "index.js" : `chunk-${index}.js`,
    bytes: new TextEncoder().encode(`export const part = ${index};\n${"//".repeat(20_000)}`),
  })),
};

async function bundleAndArchive(): Promise<string> {
  const manifest = await writeArtifact(path.join(root, "dist", "functions", content.name), content);
  return archiveCurrentArtifact(root, manifest);
}

describe("several bundlers writing and archiving one function at once", () => {
  it("all succeed", async () => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, bundleAndArchive));

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
  });

  it("leave an archived copy that verifies", async () => {
    const [archived] = await Promise.all(Array.from({ length: 4 }, bundleAndArchive));

    const sha256 = path.basename(archived ?? "");
    expect(archived).toBe(archivedArtifactDirectory(content.name, sha256));
    expect(
      (await readVerifiedArtifact(path.join(root, archived ?? ""), sha256)).manifest.sha256,
    ).toBe(sha256);
  });
});
