import type { MetricSnapshot } from "./shared-metrics.ts";
import { parseSampleName } from "./sample-name.ts";

/** Settings of {@link OtlpMetricsExporter}. */
export interface OtlpMetricsExporterOptions {
  /** Full URL, e.g. `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics`. */
  url: string;
  /** `OTEL_EXPORTER_OTLP_HEADERS`. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** `service.name`. */
  serviceName: string;
  /** Told about failed pushes (dropped: the next push carries the cumulative totals anyway). */
  onError?: (error: unknown) => void;
}

type Attribute = { key: string; value: { stringValue: string } };

function attributes(labels: Record<string, string>): Attribute[] {
  return Object.entries(labels).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

/**
 * Pushes this process's metrics as OTLP/HTTP JSON (`ExportMetricsServiceRequest`), cumulative,
 * with a `service.instance.id` per process: the backend adds the instances up, as Prometheus would
 * across scraped targets. For hosted backends that take OTLP and do not scrape.
 */
export class OtlpMetricsExporter {
  private readonly instanceId = crypto.randomUUID();
  private readonly startTimeUnixNano = `${BigInt(Date.now()) * 1_000_000n}`;

  constructor(private readonly options: OtlpMetricsExporterOptions) {}

  /** The request body for a snapshot (exposed for tests). */
  body(snapshot: readonly MetricSnapshot[], now: number = Date.now()): unknown {
    const timeUnixNano = `${BigInt(now) * 1_000_000n}`;
    const times = { startTimeUnixNano: this.startTimeUnixNano, timeUnixNano };
    const metrics = snapshot.map(({ metric, samples }) => {
      if (metric.type === "histogram") {
        const bounds: number[] = [];
        const cumulative: number[] = [];
        let sum = 0;
        let count = 0;
        for (const [sample, value] of samples) {
          const { name, labels } = parseSampleName(sample);
          if (name.endsWith("_sum")) sum = value;
          else if (name.endsWith("_count")) count = value;
          else if (labels.le !== undefined && labels.le !== "+Inf") {
            bounds.push(Number(labels.le));
            cumulative.push(value);
          }
        }
        // OTLP bucket counts are per bucket, Prometheus's are cumulative.
        const bucketCounts = [...cumulative, count].map((value, index, all) =>
          String(value - (index === 0 ? 0 : (all[index - 1] as number))),
        );
        return {
          name: metric.name,
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              { ...times, count: String(count), sum, bucketCounts, explicitBounds: bounds },
            ],
          },
        };
      }
      const dataPoints = samples.map(([sample, value]) => ({
        ...times,
        attributes: attributes(parseSampleName(sample).labels),
        asDouble: value,
      }));
      return metric.type === "counter"
        ? {
            name: metric.name,
            sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints },
          }
        : { name: metric.name, gauge: { dataPoints } };
    });
    return {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: "service.name", value: { stringValue: this.options.serviceName } },
              { key: "service.instance.id", value: { stringValue: this.instanceId } },
            ],
          },
          scopeMetrics: [{ scope: { name: "llm-gateway" }, metrics }],
        },
      ],
    };
  }

  /** Pushes a snapshot; never throws. */
  async push(snapshot: readonly MetricSnapshot[]): Promise<void> {
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers: { ...this.options.headers, "content-type": "application/json" },
        body: JSON.stringify(this.body(snapshot)),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok)
        this.options.onError?.(new Error(`OTLP metrics push answered HTTP ${response.status}`));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
