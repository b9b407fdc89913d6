/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  /** Metric name including any `_bucket`/`_sum`/`_count` suffix. */
  name: string;
  /** Label values by label name. */
  labels: Record<string, string>;
  /** The sample value. */
  value: number;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text format 0.0.4 into samples (comments skipped). */
export function parsePrometheus(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const match = samplePattern.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(labelPattern)) {
      labels[label[1] ?? ""] = (label[2] ?? "").replace(/\\(.)/g, (_, character: string) =>
        character === "n" ? "\n" : character,
      );
    }
    const raw = match[3] ?? "NaN";
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    samples.push({ name: match[1] ?? "", labels, value });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include every pair in `labels` (0 when none). */
export function metricSum(
  samples: MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Fetches `${baseUrl}/metrics` and parses it. */
export async function fetchMetrics(baseUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}
