import { sha256 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();
const hexDigits = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * SHA-256 of a UTF-8 string as lowercase hex. Synchronous (audited pure-JS `@noble/hashes`), runs
 * in Deno and Node alike: `crypto.subtle.digest` is async and costs ~20 us per call in Deno, which
 * shows on the cache-hit path where two hashes are taken per request.
 */
export function sha256Hex(text: string): string {
  const digest = sha256(encoder.encode(text));
  let hex = "";
  for (const byte of digest) hex += hexDigits[byte];
  return hex;
}
