import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The kind of a Prometheus metric the gateway defines. */
export type MetricKind = "Counter" | "Gauge" | "Histogram";

const definitionPattern =
  /new\s+(Counter|Gauge|Histogram)\s*\(\s*["']([a-zA-Z_:][a-zA-Z0-9_:]*)["']/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The folders whose source defines the metrics the gateway's `/metrics` serves. */
export const metricSourceFolders: readonly string[] = [
  join(__dirname, "..", "..", "functions", "llm-gateway"),
  // The job metrics: counted by the gateway and the job worker, served by both.
  join(__dirname, "..", "..", "functions", "_shared", "jobs"),
];

/**
 * The metrics the gateway defines (`new Counter("name", ...)` and friends from
 * functions/_shared/prometheus.ts), read from its source: the gateway runs on Deno and its
 * modules are not importable from the Node program.
 * @param folders where to look; every `.ts` file below them that is not a test.
 * @default metricSourceFolders
 */
export function gatewayMetricDefinitions(
  folders: readonly string[] = metricSourceFolders,
): Map<string, MetricKind> {
  const definitions = new Map<string, MetricKind>();
  for (const file of folders.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, "utf8").matchAll(definitionPattern))
      definitions.set(match[2] as string, match[1] as MetricKind);
  }
  return definitions;
}

/** The series names a query can select: a histogram's `_bucket`, `_sum` and `_count`. */
export function queryableSeriesNames(definitions: Map<string, MetricKind>): Set<string> {
  const names = new Set<string>();
  for (const [name, kind] of definitions) {
    if (kind === "Histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

/**
 * Metrics that rules and panels may query before the gateway defines them, each with the feature
 * that brings it. Their rules and panels stay empty until then. None today: add one here when a
 * rule or panel is written ahead of its metric.
 */
export const futureMetrics: Readonly<Record<string, string>> = {};
