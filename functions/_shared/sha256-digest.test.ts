import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { canonicalJson } from "./canonical-json.ts";
import { sha256Hex } from "./sha256.ts";
import { canonicalSha256Hex, digestSha256Hex, webCryptoMinimumBytes } from "./sha256-digest.ts";

/** The reference: Node's OpenSSL SHA-256 of the UTF-8 text. */
function reference(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** ASCII text of exactly `size` bytes. */
function asciiText(size: number): string {
  return "The quick brown fox jumps over the lazy dog. "
    .repeat(Math.ceil(size / 45))
    .slice(0, size);
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("digestSha256Hex", () => {
  // Block edges (55/56/64 bytes), both sides of the WebCrypto threshold, and up to 2 MB.
  it.each([
    0,
    1,
    55,
    56,
    63,
    64,
    1024,
    webCryptoMinimumBytes - 1,
    webCryptoMinimumBytes,
    webCryptoMinimumBytes + 1,
    65_536,
    1_048_576,
    2_097_152,
  ])("matches node:crypto for %i ASCII bytes", async (size) => {
    const text = asciiText(size);
    expect(await digestSha256Hex(text)).toBe(reference(text));
  });

  it.each([
    ["accents", "naïve café crème brûlée"],
    ["CJK", "日本語のテキストと中文文本".repeat(100)],
    ["emoji", "🦊🚀👩‍💻".repeat(1000)],
    ["a 2 MB mix", "añ日🦊".repeat(200_000)],
  ])("matches node:crypto for non-ASCII text (%s)", async (_name, text) => {
    expect(await digestSha256Hex(text)).toBe(reference(text));
  });

  it("matches sha256Hex for the same text", async () => {
    const text = asciiText(100_000);
    expect(await digestSha256Hex(text)).toBe(sha256Hex(text));
  });

  it("hashes bytes as given", async () => {
    const bytes = new TextEncoder().encode("bytes in");
    expect(await digestSha256Hex(bytes)).toBe(reference("bytes in"));
  });

  it("uses WebCrypto from the threshold on", async () => {
    const digest = vi.spyOn(crypto.subtle, "digest");
    await digestSha256Hex(asciiText(webCryptoMinimumBytes));
    expect(digest).toHaveBeenCalledOnce();
  });

  it("keeps small inputs on the pure-JS hash", async () => {
    const digest = vi.spyOn(crypto.subtle, "digest");
    await digestSha256Hex(asciiText(webCryptoMinimumBytes - 1));
    expect(digest).not.toHaveBeenCalled();
  });

  it("hashes large inputs where WebCrypto is missing", async () => {
    vi.stubGlobal("crypto", undefined);
    const text = asciiText(100_000);
    expect(await digestSha256Hex(text)).toBe(reference(text));
  });
});

describe("canonicalSha256Hex", () => {
  it("equals sha256Hex of the prefix and the canonical JSON", async () => {
    const material = {
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [{ role: "user", content: `résumé ${asciiText(2_000_000)} 🦊` }],
    };
    expect(await canonicalSha256Hex(material, "user:1\n")).toBe(
      sha256Hex(`user:1\n${canonicalJson(material)}`),
    );
  });

  it("ignores key order", async () => {
    expect(await canonicalSha256Hex({ a: 1, b: [2, { d: 3, c: 4 }] })).toBe(
      await canonicalSha256Hex({ b: [2, { c: 4, d: 3 }], a: 1 }),
    );
  });
});
