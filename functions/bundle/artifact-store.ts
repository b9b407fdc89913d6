// Where artifacts live. `npm run bundle` writes the current build to `dist/functions/<name>/` and
// keeps a copy per hash under `.artifacts/<name>/<sha256>/`, so a stack can pin (roll back to) any
// earlier build: from this machine's archive, or from a CI artifact unpacked into that folder.
import { cp, mkdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { withDirectoryLock } from "./directory-lock";
import { manifestFileName, type ArtifactManifest } from "./manifest";
import { replaceDirectory } from "./write-artifact";

/** Folder of the current build of `name`, relative to the repository root. */
export function currentArtifactDirectory(name: string): string {
  return path.posix.join("dist", "functions", name);
}

/** Folder of the archived build `sha256` of `name`, relative to the repository root. */
export function archivedArtifactDirectory(name: string, sha256: string): string {
  return path.posix.join(".artifacts", name, sha256);
}

/** Reads a manifest, or returns undefined when the folder holds none. */
export async function readManifest(directory: string): Promise<ArtifactManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(directory, manifestFileName), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Copies the current build of `name` into the archive, once per hash; returns the archive folder. */
export async function archiveCurrentArtifact(
  repositoryRoot: string,
  manifest: ArtifactManifest,
): Promise<string> {
  const relative = archivedArtifactDirectory(manifest.name, manifest.sha256);
  const target = path.join(repositoryRoot, relative);
  const current = path.join(repositoryRoot, currentArtifactDirectory(manifest.name));
  // Under the current folder's lock: another process's writeArtifact cannot replace it mid-copy,
  // and two archivers of one hash copy it once.
  await withDirectoryLock(current, async () => {
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) return;
    if ((await readManifest(current))?.sha256 !== manifest.sha256) {
      throw new Error(
        `${currentArtifactDirectory(manifest.name)}/ no longer holds build ${manifest.sha256}: another bundle replaced it; run npm run bundle again`,
      );
    }
    const staging = `${target}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await mkdir(path.dirname(target), { recursive: true });
    await cp(current, staging, { recursive: true });
    await replaceDirectory(staging, target);
  });
  return relative;
}

/** A located artifact. */
export interface LocatedArtifact {
  /** Folder relative to the repository root. */
  directory: string;
  /** Its manifest. */
  manifest: ArtifactManifest;
}

/**
 * Finds the build of `name` to deploy: the current one, or with `pinnedSha256` the archived one
 * (falling back to the current build when it has that very hash). Undefined when absent.
 */
export async function locateArtifact(
  repositoryRoot: string,
  name: string,
  pinnedSha256?: string,
): Promise<LocatedArtifact | undefined> {
  const candidates =
    pinnedSha256 === undefined
      ? [currentArtifactDirectory(name)]
      : [archivedArtifactDirectory(name, pinnedSha256), currentArtifactDirectory(name)];
  for (const directory of candidates) {
    const manifest = await readManifest(path.join(repositoryRoot, directory));
    if (manifest && (pinnedSha256 === undefined || manifest.sha256 === pinnedSha256)) {
      return { directory, manifest };
    }
  }
  return undefined;
}
