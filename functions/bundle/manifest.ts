// The artifact manifest written next to each bundled function, and the one definition of the
// artifact hash. The deploy provider calls these functions, and Pulumi serializes the provider's
// closure into the state: a captured module binding of a built-in cannot be serialized under every
// loader (vitest's module runner wraps it), so built-ins are looked up when a function runs.

function builtins() {
  return {
    crypto: process.getBuiltinModule("node:crypto"),
    fs: process.getBuiltinModule("node:fs/promises"),
    path: process.getBuiltinModule("node:path"),
  };
}

/** File name of the manifest inside an artifact directory. */
export const manifestFileName = "manifest.json";

/** One file of an artifact. */
export interface ArtifactFile {
  /** Path relative to the artifact directory, with `/` separators, e.g. `index.js`. */
  path: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** `manifest.json`: what a bundled function is, and how to verify it. */
export interface ArtifactManifest {
  /** Version of this manifest format. */
  formatVersion: 1;
  /** Function name, also the Supabase slug, e.g. `llm-gateway`. */
  name: string;
  /** Artifact hash, see {@link artifactSha256}. */
  sha256: string;
  /** Entry module path relative to the artifact directory (`entrypoint_path` on deploy). */
  entrypoint: string;
  /** Default for the deploy's `verify_jwt`; a stack's `platform:supabase.verifyJwt` overrides it. */
  verify_jwt: boolean;
  /** Every file of the artifact except the manifest, sorted by path. */
  files: ArtifactFile[];
  /** Total size of `files` in bytes. */
  size: number;
}

/** Hex SHA-256 of bytes or a UTF-8 string. */
export function sha256Hex(content: string | Uint8Array): string {
  return builtins().crypto.createHash("sha256").update(content).digest("hex");
}

/**
 * The artifact hash: SHA-256 over the file list sorted by path (UTF-16 code unit order), one line
 * `<path>\n<size>\n<sha256>\n` per file. Each file's own SHA-256 covers its content, so any change
 * to a path or a byte changes the artifact hash; the manifest itself is not part of it.
 */
export function artifactSha256(files: readonly ArtifactFile[]): string {
  const lines = [...files]
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0))
    .map((file) => `${file.path}\n${file.size}\n${file.sha256}\n`)
    .join("");
  return sha256Hex(lines);
}

/** An artifact read from disk and checked against its manifest. */
export interface VerifiedArtifact {
  /** The parsed manifest. */
  manifest: ArtifactManifest;
  /** File contents by path, in manifest order. */
  contents: Array<{ path: string; bytes: Uint8Array }>;
}

/**
 * Reads `manifest.json` and every listed file from `directory`, and fails with a message naming the
 * file when a hash differs or, given `expectedSha256`, when the artifact is not the expected one.
 */
export async function readVerifiedArtifact(
  directory: string,
  expectedSha256?: string,
): Promise<VerifiedArtifact> {
  const { fs, path } = builtins();
  const manifestPath = path.join(directory, manifestFileName);
  let manifest: ArtifactManifest;
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, "utf8")) as ArtifactManifest;
  } catch (error) {
    throw new Error(
      `cannot read artifact manifest ${manifestPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (expectedSha256 !== undefined && manifest.sha256 !== expectedSha256) {
    throw new Error(
      `${manifestPath} describes artifact ${manifest.sha256}, expected ${expectedSha256}`,
    );
  }
  const contents: VerifiedArtifact["contents"] = [];
  for (const file of manifest.files) {
    const bytes = new Uint8Array(await fs.readFile(path.join(directory, file.path)));
    if (sha256Hex(bytes) !== file.sha256 || bytes.byteLength !== file.size) {
      throw new Error(`${path.join(directory, file.path)} does not match ${manifestPath}`);
    }
    contents.push({ path: file.path, bytes });
  }
  const recomputed = artifactSha256(manifest.files);
  if (recomputed !== manifest.sha256) {
    throw new Error(`${manifestPath} sha256 ${manifest.sha256} does not match its files`);
  }
  return { manifest, contents };
}
