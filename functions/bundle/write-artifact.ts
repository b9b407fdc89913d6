// Writes an artifact directory: the files, then a manifest that lists and hashes them.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { withDirectoryLock } from "./directory-lock";
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
  const staging = `${directory}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (const file of content.files) {
    const target = path.join(staging, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
  await writeFile(path.join(staging, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  // Replaced whole, never updated in place: a reader (a plan of the other stack running at the
  // same time) sees the old build or the new one, and no stale file rides along with a deploy.
  // Under the folder's lock: archiveCurrentArtifact copies the folder under the same lock.
  await withDirectoryLock(directory, () => replaceDirectory(staging, directory));
  return manifest;
}

/** Moves `source` to `target`, replacing it; when another process wins the race, keeps its copy. */
export async function replaceDirectory(source: string, target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  try {
    await rename(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    await rm(source, { recursive: true, force: true });
  }
}
