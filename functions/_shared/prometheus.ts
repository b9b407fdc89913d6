/** Label names and values of one series. */
export type Labels = Readonly<Record<string, string>>;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: string): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels))
    parts.push(`${name}="${escapeLabelValue(labels[name] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** One metric: its `# HELP`/`# TYPE` header and its samples, rendered together. */
export interface Metric {
  /** Metric name, e.g. `llm_gateway_requests_total`. */
  readonly name: string;
  /** Prometheus type. */
  readonly type: "counter" | "gauge" | "histogram";
  /** The `# HELP` and `# TYPE` lines. */
  header(): string;
  /**
   * Every sample as `[sample name with labels, value]`, e.g. `['llm_gateway_cache_total{kind="response"}', 3]`:
   * the unit that metrics shared across isolates add up.
   */
  samples(): [string, number][];
  /** Header and samples in the text format. */
  render(): string;
}

function renderMetric(metric: Metric): string {
  let text = metric.header();
  for (const [sample, value] of metric.samples()) text += `${sample} ${formatNumber(value)}\n`;
  return text;
}

interface Series {
  labels: Labels;
  value: number;
}

/** A monotonically increasing value per label set. */
export class Counter implements Metric {
  readonly type = "counter";
  private readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  /** Adds `amount` (default 1) to the series for `labels`. */
  increment(labels: Labels = {}, amount = 1): void {
    const key = formatLabels(labels);
    const series = this.series.get(key);
    if (series) series.value += amount;
    else this.series.set(key, { labels, value: amount });
  }

  /** Current value for `labels` (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.series.get(formatLabels(labels))?.value ?? 0;
  }

  header(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
  }

  samples(): [string, number][] {
    return [...this.series].map(([key, series]) => [`${this.name}${key}`, series.value]);
  }

  render(): string {
    return renderMetric(this);
  }
}

/** A value that goes up and down per label set. */
export class Gauge implements Metric {
  readonly type = "gauge";
  private readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  /** Sets the series for `labels` to `value`. */
  set(labels: Labels, value: number): void {
    this.series.set(formatLabels(labels), { labels, value });
  }

  /** Current value for `labels`, if ever set. */
  get(labels: Labels = {}): number | undefined {
    return this.series.get(formatLabels(labels))?.value;
  }

  header(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
  }

  samples(): [string, number][] {
    return [...this.series].map(([key, series]) => [`${this.name}${key}`, series.value]);
  }

  render(): string {
    return renderMetric(this);
  }
}

/** Cumulative buckets of observed values (Prometheus histogram), without labels. */
export class Histogram implements Metric {
  readonly type = "histogram";
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  /** Records one observation. */
  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let index = 0; index < this.buckets.length; index++) {
      if (value <= (this.buckets[index] as number))
        this.counts[index] = (this.counts[index] as number) + 1;
    }
  }

  header(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
  }

  samples(): [string, number][] {
    const samples: [string, number][] = this.buckets.map((bound, index) => [
      `${this.name}_bucket{le="${formatNumber(bound)}"}`,
      this.counts[index] as number,
    ]);
    samples.push([`${this.name}_bucket{le="+Inf"}`, this.count]);
    samples.push([`${this.name}_sum`, this.sum]);
    samples.push([`${this.name}_count`, this.count]);
    return samples;
  }

  render(): string {
    return renderMetric(this);
  }
}

/** A sample value in the text format (`+Inf`, `-Inf`, or the number). */
export { formatNumber as formatSampleValue };

/** Renders a set of metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(metrics: readonly Metric[]): string {
  return metrics.map((metric) => metric.render()).join("");
}

/** Content type of {@link renderMetrics} output. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";
