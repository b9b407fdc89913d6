// Completion webhooks are signed: `x-job-signature: sha256=<hex>` is the HMAC-SHA256 of the exact
// body bytes with the job's signing secret, so a receiver can tell the worker's POST from a
// forgery. Web Crypto, so it runs in Deno, Node and the receiver's runtime alike.

/** The header that carries the signature. */
export const signatureHeader = "x-job-signature";

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

const toHex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");

/**
 * The signature header's value for a body.
 * @example await signWebhookBody("secret", '{"id":"..."}') // "sha256=5d41…"
 */
export async function signWebhookBody(secret: string, body: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body));
  return `sha256=${toHex(signature)}`;
}

/**
 * Whether a header value is the body's signature with this secret (constant-time comparison).
 * Receivers can use it as it is.
 */
export async function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | null,
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/.exec(header ?? "");
  if (match === null) return false;
  const bytes = new Uint8Array(32);
  for (let index = 0; index < 32; index++) {
    bytes[index] = Number.parseInt(match[1]!.slice(index * 2, index * 2 + 2), 16);
  }
  return await crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, encoder.encode(body));
}
