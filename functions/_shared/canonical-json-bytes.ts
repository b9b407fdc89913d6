const encoder = new TextEncoder();

/** Text gathered before it is encoded: few `encodeInto` calls, no large intermediate strings. */
const pendingLimit = 16 * 1024;

/** Appends UTF-8 to one growing buffer, doubling it as needed. */
class Utf8Writer {
  private buffer: Uint8Array<ArrayBuffer>;
  private length = 0;
  private pending = "";

  constructor(initialBytes: number) {
    this.buffer = new Uint8Array(initialBytes);
  }

  write(text: string): void {
    if (text.length >= pendingLimit) {
      this.flush();
      this.encode(text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= pendingLimit) this.flush();
  }

  /** The bytes written so far (a view of the buffer, not a copy). */
  bytes(): Uint8Array<ArrayBuffer> {
    this.flush();
    return this.buffer.subarray(0, this.length);
  }

  private flush(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.encode(text);
  }

  private encode(text: string): void {
    // ASCII needs one byte per UTF-16 code unit; when the text has more, the rest is retried with
    // room for three bytes per unit (the UTF-8 maximum), so this loops at most twice.
    let rest = text;
    let bytesPerUnit = 1;
    for (;;) {
      this.reserve(rest.length * bytesPerUnit);
      const { read, written } = encoder.encodeInto(rest, this.buffer.subarray(this.length));
      this.length += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      bytesPerUnit = 3;
    }
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

function writeCanonical(writer: Utf8Writer, value: unknown): void {
  if (value === null || typeof value !== "object") {
    writer.write(JSON.stringify(value) ?? "null");
    return;
  }
  if (Array.isArray(value)) {
    writer.write("[");
    for (let index = 0; index < value.length; index++) {
      if (index > 0) writer.write(",");
      const item: unknown = value[index];
      if (item === undefined) writer.write("null");
      else writeCanonical(writer, item);
    }
    writer.write("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  writer.write("{");
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) writer.write(",");
    first = false;
    writer.write(JSON.stringify(key));
    writer.write(":");
    writeCanonical(writer, member);
  }
  writer.write("}");
}

/**
 * The UTF-8 bytes of `prefix` followed by `canonicalJson(value)` (`canonical-json.ts`: sorted keys
 * at every depth, `undefined` members dropped), written straight into one buffer. A 1 MB prompt
 * never becomes a 1 MB joined string that then has to be flattened and encoded again: each string
 * leaf is escaped once by `JSON.stringify` and encoded once into the buffer.
 * @param value any JSON value (a parsed request body).
 * @param prefix text before the JSON, e.g. the cache scope and a newline.
 * @default prefix ""
 * @example canonicalJsonBytes({ b: 1, a: 2 }, "user:1\n") // the bytes of 'user:1\n{"a":2,"b":1}'
 */
export function canonicalJsonBytes(value: unknown, prefix = ""): Uint8Array<ArrayBuffer> {
  const writer = new Utf8Writer(1024);
  writer.write(prefix);
  writeCanonical(writer, value);
  return writer.bytes();
}
