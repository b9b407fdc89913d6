// Writes an artifact directory: the files, then a manifest that lists and hashes them.
import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import {
  artifactSha256,
  manifestFileName,
  sha256Hex,
  type ArtifactFile,
  type ArtifactManifest,
} from "./manifest";

/** What goes into an artifact directory. */
export interface ArtifactContent {
  /** Function name (the Supabase slug). */
  name: string;
  /** Entry module path relative to the directory. */
  entrypoint: string;
  /** Default `verify_jwt` recorded in the manifest. */
  verifyJwt: boolean;
  /** Files by relative path (`/` separators). */
  files: Array<{ path: string; bytes: Uint8Array }>;
}

/** The manifest describing `content`, without writing anything. */
export function describeArtifact(content: ArtifactContent): ArtifactManifest {
  if (!content.files.some((file) => file.path === content.entrypoint)) {
    throw new Error(`entrypoint "${content.entrypoint}" is not one of the artifact's files`);
  }
  const files: ArtifactFile[] = content.files
    .map((file) => ({
      path: file.path,
      sha256: sha256Hex(file.bytes),
      size: file.bytes.byteLength,
    }))
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  const manifest: ArtifactManifest = {
    formatVersion: 1,
    name: content.name,
    sha256: artifactSha256(files),
    entrypoint: content.entrypoint,
    verify_jwt: content.verifyJwt,
    files,
    size: files.reduce((total, file) => total + file.size, 0),
  };
  return manifest;
}

/** Replaces `directory` with the given files plus `manifest.json`, and returns the manifest. */
export async function writeArtifact(
  directory: string,
  content: ArtifactContent,
): Promise<ArtifactManifest> {
  const manifest = describeArtifact(content);
  // A stale file left from an earlier build would ride along with the next deploy.
  await rm(directory, { recursive: true, force: true });
  for (const file of content.files) {
    const target = path.join(directory, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
  await writeFile(path.join(directory, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
