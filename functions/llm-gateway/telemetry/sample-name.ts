/** A sample name split into metric name and labels, e.g. `a_total{kind="x"}` → `a_total`, `{ kind: "x" }`. */
export function parseSampleName(sample: string): { name: string; labels: Record<string, string> } {
  const brace = sample.indexOf("{");
  if (brace === -1) return { name: sample, labels: {} };
  const labels: Record<string, string> = {};
  for (const match of sample
    .slice(brace)
    .matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_, character: string) =>
      character === "n" ? "\n" : character,
    );
  }
  return { name: sample.slice(0, brace), labels };
}
