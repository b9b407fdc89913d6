import { isRecord } from "./conversation";

/**
 * A deterministic value that satisfies a JSON Schema, built from `words` (the simulated answer):
 * objects get every property, strings the next word, numbers and integers 1, booleans true, arrays
 * one item, enums and consts their first value, unions their first branch. What clients validate a
 * structured answer or tool arguments against (zod schemas turned into JSON Schema) is covered.
 */
export function sampleFromSchema(schema: unknown, words: readonly string[]): unknown {
  let next = 0;
  const word = (): string => words[next++ % Math.max(1, words.length)] ?? "value";
  const definitions = isRecord(schema)
    ? {
        ...(isRecord(schema.$defs) ? schema.$defs : {}),
        ...(isRecord(schema.definitions) ? schema.definitions : {}),
      }
    : {};
  const sample = (node: unknown, depth: number): unknown => {
    if (!isRecord(node) || depth > 12) return word();
    if (typeof node.$ref === "string") {
      const name = node.$ref.split("/").pop() ?? "";
      return sample(definitions[name], depth + 1);
    }
    if ("const" in node) return node.const;
    if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
    for (const union of ["anyOf", "oneOf", "allOf"] as const) {
      const branches = node[union];
      if (Array.isArray(branches) && branches.length > 0) {
        const branch =
          branches.find((item) => !(isRecord(item) && item.type === "null")) ?? branches[0];
        return sample(branch, depth + 1);
      }
    }
    const type = Array.isArray(node.type)
      ? (node.type.find((item) => item !== "null") ?? "null")
      : node.type;
    switch (type) {
      case "object": {
        const result: Record<string, unknown> = {};
        const properties = isRecord(node.properties) ? node.properties : {};
        for (const [name, property] of Object.entries(properties))
          result[name] = sample(property, depth + 1);
        if (Object.keys(properties).length === 0 && node.additionalProperties !== false)
          result.answer = words.join(" ");
        return result;
      }
      case "array": {
        const count = typeof node.minItems === "number" ? Math.max(1, node.minItems) : 1;
        return Array.from({ length: count }, () => sample(node.items, depth + 1));
      }
      case "integer":
      case "number":
        return typeof node.minimum === "number" ? node.minimum : 1;
      case "boolean":
        return true;
      case "null":
        return null;
      case "string":
        if (node.format === "date-time") return "2025-01-01T00:00:00Z";
        if (node.format === "date") return "2025-01-01";
        if (node.format === "email") return "user@example.com";
        if (node.format === "uri" || node.format === "url") return "https://example.com";
        return word();
      default:
        if (isRecord(node.properties)) return sample({ ...node, type: "object" }, depth);
        return word();
    }
  };
  return sample(schema, 0);
}

/** Splits a text into about `parts` pieces, as a provider streams tool arguments. */
export function splitText(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size)
    pieces.push(text.slice(index, index + size));
  return pieces.length === 0 ? [""] : pieces;
}
