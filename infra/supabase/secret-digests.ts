// Drift detection for Edge Function secrets. The Management API never returns values, only a
// SHA-256 digest of each, so the desired values are hashed the same way and compared.

/** Hex SHA-256 of a UTF-8 string, as `GET /v1/projects/{ref}/secrets` reports it. */
export async function secretDigest(value: string): Promise<string> {
  const bytes = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Digest of every value, keyed by secret name. */
export async function digestAll(values: Record<string, string>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.keys(values)
      .sort()
      .map(async (name) => [name, await secretDigest(values[name])] as const),
  );
  return Object.fromEntries(entries);
}

/** What has to happen to make the live secrets match the desired ones. */
export interface SecretsPlan {
  /** Names to (re)set: missing live, or live with another digest. */
  toSet: string[];
  /** Names this resource managed before that are no longer wanted. */
  toUnset: string[];
}

/**
 * Compares desired digests with the live ones. Only names in `desired` or in `previouslyManaged`
 * are considered, so secrets set by hand or by another stack are never touched.
 */
export function planSecrets(
  desired: Record<string, string>,
  live: Record<string, string>,
  previouslyManaged: readonly string[],
): SecretsPlan {
  const toSet = Object.keys(desired)
    .filter((name) => live[name] !== desired[name])
    .sort();
  const toUnset = previouslyManaged.filter((name) => !(name in desired) && name in live).sort();
  return { toSet, toUnset };
}
