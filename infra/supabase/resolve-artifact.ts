// Chooses the artifact a stack deploys: the pinned hash when `platform:supabase.pinnedArtifactSha256`
// is set (rollback), otherwise the build of the checked-out source. Bundling is deterministic, so
// that build is byte-identical to the one CI made and staging ran; bundling again here only
// guarantees a stale dist/ folder is never deployed.
import * as path from "node:path";
import {
  archiveCurrentArtifact,
  archivedArtifactDirectory,
  currentArtifactDirectory,
  locateArtifact,
  readManifest,
} from "../../functions/bundle/artifact-store";
import { bundleContent } from "../../functions/bundle/bundle-function";
import { describeArtifact, writeArtifact } from "../../functions/bundle/write-artifact";
import type { SupabaseFunctionSource } from "../../functions/bundle/supabase-functions";

/** Options of {@link resolveArtifact}. */
export interface ResolveArtifactOptions {
  /** Repository (and Pulumi project) root; artifact folders are relative to it. */
  repositoryRoot: string;
  /** The function to deploy. */
  source: SupabaseFunctionSource;
  /** `platform:supabase.pinnedArtifactSha256`, when the stack is pinned. */
  pinnedSha256?: string;
  /**
   * Accept a pin whose files are not on this machine (the offline plan only shows the hash);
   * a real deployment needs the files and fails instead.
   */
  allowMissingPin: boolean;
  /** Receives one line about what was chosen or built. */
  log(message: string): void;
}

/** The artifact a stack references. */
export interface ResolvedArtifact {
  /** Artifact hash (manifest `sha256`). */
  sha256: string;
  /** Folder relative to the repository root. */
  directory: string;
}

/** Resolves the artifact; see {@link ResolveArtifactOptions}. */
export async function resolveArtifact(options: ResolveArtifactOptions): Promise<ResolvedArtifact> {
  const { repositoryRoot, source, pinnedSha256 } = options;
  if (pinnedSha256 === undefined) return currentBuild(options);

  const located = await locateArtifact(repositoryRoot, source.name, pinnedSha256);
  if (located) return { sha256: located.manifest.sha256, directory: located.directory };
  const archived = archivedArtifactDirectory(source.name, pinnedSha256);
  const message =
    `platform:supabase.pinnedArtifactSha256 is ${pinnedSha256}, but neither ${archived}/ nor ` +
    `${currentArtifactDirectory(source.name)}/ holds that build of ${source.name}. Copy the ` +
    `${source.name}/ folder whose manifest.json has that sha256 (from the infra workflow's ` +
    `functions-${pinnedSha256} artifact; in CI the deploy job downloads it) into ${archived}/, or run npm run bundle on the commit that built it.`;
  if (!options.allowMissingPin) throw new Error(message);
  options.log(message);
  return { sha256: pinnedSha256, directory: archived };
}

async function currentBuild(options: ResolveArtifactOptions): Promise<ResolvedArtifact> {
  const { repositoryRoot, source } = options;
  const directory = currentArtifactDirectory(source.name);
  const content = await bundleContent(source, repositoryRoot);
  const expected = describeArtifact(content).sha256;
  const existing = await readManifest(path.join(repositoryRoot, directory));
  if (existing?.sha256 === expected) return { sha256: expected, directory };

  const manifest = await writeArtifact(path.join(repositoryRoot, directory), content);
  await archiveCurrentArtifact(repositoryRoot, manifest);
  options.log(
    `${directory}/ ${existing ? "was stale" : "did not exist"}: bundled ${source.name}, sha256 ${manifest.sha256}`,
  );
  return { sha256: manifest.sha256, directory };
}
