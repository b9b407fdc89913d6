import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.ts";
import { canonicalJsonBytes } from "./canonical-json-bytes.ts";

const encoder = new TextEncoder();

/** What the bytes must equal, the UTF-8 of the string form, as base64 (compared in one go). */
function expected(value: unknown, prefix = ""): string {
  return Buffer.from(encoder.encode(prefix + canonicalJson(value))).toString("base64");
}

/** The bytes written, as base64. */
function written(value: unknown, prefix?: string): string {
  return Buffer.from(canonicalJsonBytes(value, prefix)).toString("base64");
}

describe("canonicalJsonBytes", () => {
  it("sorts keys at every depth like canonicalJson", () => {
    const value = { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } };
    expect(written(value)).toBe(expected(value));
  });

  it("writes the prefix before the JSON", () => {
    expect(new TextDecoder().decode(canonicalJsonBytes({ b: 1, a: 2 }, "user:1\n"))).toBe(
      'user:1\n{"a":2,"b":1}',
    );
  });

  it("drops undefined members and writes undefined array items as null", () => {
    const value = { a: undefined, b: [1, undefined, 3] };
    expect(written(value)).toBe(expected(value));
  });

  it("writes numbers, booleans and non-JSON values as JSON.stringify does", () => {
    const value = { numbers: [0, -0, 1e21, 0.1, Number.NaN, Infinity], flags: [true, false] };
    expect(written(value)).toBe(expected(value));
  });

  it("writes a top-level primitive", () => {
    expect(written("plain")).toBe(expected("plain"));
  });

  it("encodes non-ASCII keys and values as UTF-8", () => {
    const value = { clé: "naïve café", 鍵: "日本語のテキスト", emoji: "🦊🚀 and 👩‍💻" };
    expect(written(value, "scope:é\n")).toBe(expected(value, "scope:é\n"));
  });

  it("escapes lone surrogates and control characters the JSON way", () => {
    const value = { text: 'broken \ud800 pair \udfff end\u0000\u001f\n\t"\\' };
    expect(written(value)).toBe(expected(value));
  });

  it("encodes a 1 MB non-ASCII string that outgrows the buffer", () => {
    const value = { messages: [{ role: "user", content: "añ日🦊".repeat(200_000) }] };
    expect(written(value)).toBe(expected(value));
  });

  it("encodes many small leaves across several flushes", () => {
    const value = Array.from({ length: 20_000 }, (_, index) => ({ i: index, t: `é${index}` }));
    expect(written(value)).toBe(expected(value));
  });
});
