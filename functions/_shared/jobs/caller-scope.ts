// Jobs are stored under a hashed caller id, never the caller's key: a leaked job table reveals no
// credential, and the same caller always maps to the same scope.
import { sha256Hex } from "../sha256.ts";

/**
 * The scope a caller's jobs are stored under.
 * @param callerId - the caller's identity as the gateway authenticated it (e.g. its API key).
 * @example jobCallerScope("gw_key_123") // "job:3c5f…" (64 hex digits after the prefix)
 */
export function jobCallerScope(callerId: string): string {
  return `job:${sha256Hex(`llm-jobs\u0000${callerId}`)}`;
}
