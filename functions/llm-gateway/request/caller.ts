import { sha256Hex } from "../../_shared/sha256.ts";
import { AuthenticationError } from "../errors.ts";

/** Who is calling, derived without keeping any raw identifier. */
export interface Caller {
  /** Hash of the presented API key (first 32 hex characters), or "anonymous". */
  keyId: string;
  /** Rate-limit and analytics identity: the key id, or the end user's id when there is no key. */
  id: string;
}

function presentedKey(request: Request): string | undefined {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  // Supabase's own JWT check uses Authorization, so the gateway key may travel in x-api-key instead.
  return request.headers.get("x-api-key") ?? undefined;
}

/**
 * Authenticates (when `GATEWAY_API_KEYS` is set) and identifies the caller. Keys are compared by
 * SHA-256, so the configured keys are never held in a form a timing attack could probe.
 * @throws AuthenticationError when keys are configured and the request has none or a wrong one.
 */
export function identifyCaller(request: Request, allowedKeyHashes: ReadonlySet<string>): Caller {
  const key = presentedKey(request);
  const hash = key === undefined ? undefined : sha256Hex(key);
  if (allowedKeyHashes.size > 0) {
    if (hash === undefined) {
      throw new AuthenticationError(
        'Missing API key: send "Authorization: Bearer <key>" with a key from GATEWAY_API_KEYS.',
      );
    }
    if (!allowedKeyHashes.has(hash)) throw new AuthenticationError("Invalid API key.");
  }
  const keyId = hash === undefined ? "anonymous" : hash.slice(0, 32);
  const user = request.headers.get("x-user-id");
  if (keyId !== "anonymous" || !user) return { keyId, id: keyId };
  return { keyId, id: `user:${sha256Hex(user).slice(0, 32)}` };
}

/**
 * The cache scope of a request: "shared" when it asks for it (`x-llm-cache-scope: shared`), else
 * the caller's key id plus the end user (`user` member, else `x-user-id`), so one user's cached
 * answer is never served to another.
 */
export function cacheScopeOf(request: Request, caller: Caller, user: string | undefined): string {
  if (request.headers.get("x-llm-cache-scope")?.trim().toLowerCase() === "shared") return "shared";
  return `caller:${caller.keyId}|user:${user ?? request.headers.get("x-user-id") ?? ""}`;
}
