/**
 * Serialises a JSON value with object keys sorted at every depth, so that two requests that differ
 * only in key order produce the same text (and therefore the same cache key).
 * `undefined` object members are dropped, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ",";
      const item: unknown = value[index];
      text += item === undefined ? "null" : canonicalJson(item);
    }
    return text + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) text += ",";
    first = false;
    text += JSON.stringify(key) + ":" + canonicalJson(member);
  }
  return text + "}";
}
