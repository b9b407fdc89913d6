// Chooses the artifact a stack deploys: the pinned hash when `platform:supabase.pinnedArtifactSha256`
// is set (rollback), otherwise the current build, bundling it first when there is none yet.
import * as path from "node:path";
import {
  archiveCurrentArtifact,
  archivedArtifactDirectory,
  currentArtifactDirectory,
  locateArtifact,
} from "../../functions/bundle/artifact-store";
import { bundleFunction } from "../../functions/bundle/bundle-function";
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
  const located = await locateArtifact(repositoryRoot, source.name, pinnedSha256);
  if (located) return { sha256: located.manifest.sha256, directory: located.directory };

  if (pinnedSha256 !== undefined) {
    const archived = archivedArtifactDirectory(source.name, pinnedSha256);
    const message =
      `platform:supabase.pinnedArtifactSha256 is ${pinnedSha256}, but neither ${archived}/ nor ` +
      `${currentArtifactDirectory(source.name)}/ holds that build of ${source.name}. Unpack the CI ` +
      `artifact "functions-${pinnedSha256}" into ${archived}/, or rebuild that commit with npm run bundle.`;
    if (!options.allowMissingPin) throw new Error(message);
    options.log(message);
    return { sha256: pinnedSha256, directory: archived };
  }

  const directory = currentArtifactDirectory(source.name);
  const manifest = await bundleFunction(source, {
    repositoryRoot,
    outputDirectory: path.join(repositoryRoot, directory),
  });
  await archiveCurrentArtifact(repositoryRoot, manifest);
  options.log(`bundled ${source.name} (no ${directory}/ yet): sha256 ${manifest.sha256}`);
  return { sha256: manifest.sha256, directory };
}
