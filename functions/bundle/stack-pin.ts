// Reads and writes `platform:supabase.pinnedArtifactSha256` in a stack file's text, keeping its
// comments and layout, so a rollback can record its pin in the file every later `pulumi up` reads.
import { isMap, parseDocument } from "yaml";

/** The stack-file key a pin lives under, as `pulumi config set --path` names it. */
export const pinKey = "platform:supabase.pinnedArtifactSha256";

const sha256Pattern = /^[0-9a-f]{64}$/;

/** The pinned gateway artifact hash of a stack file, or undefined when the stack is not pinned. */
export function readPinnedArtifact(stackFileText: string): string | undefined {
  const document = parseDocument(stackFileText);
  const value: unknown = document.getIn(["config", "platform:supabase", "pinnedArtifactSha256"]);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !sha256Pattern.test(value)) {
    throw new Error(`${pinKey} must be 64 lowercase hex characters, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The stack file's text with `sha256` pinned (or the pin removed when `sha256` is undefined). */
export function writePinnedArtifact(stackFileText: string, sha256: string | undefined): string {
  if (sha256 !== undefined && !sha256Pattern.test(sha256)) {
    throw new Error(`${pinKey} must be 64 lowercase hex characters, got ${JSON.stringify(sha256)}`);
  }
  const document = parseDocument(stackFileText);
  const supabase = document.getIn(["config", "platform:supabase"]);
  if (!isMap(supabase)) {
    throw new Error("the stack file has no config.platform:supabase map to pin the gateway in");
  }
  if (sha256 === undefined) supabase.delete("pinnedArtifactSha256");
  else supabase.set("pinnedArtifactSha256", sha256);
  return document.toString();
}
