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

interface Metric {
  render(): string;
}

interface Series {
  labels: Labels;
  value: number;
}

/** A monotonically increasing value per label set. */
export class Counter implements Metric {
  private readonly series = new Map<string, Series>();
  constructor(
    private readonly name: string,
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

  render(): string {
    let text = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [key, series] of this.series)
      text += `${this.name}${key} ${formatNumber(series.value)}\n`;
    return text;
  }
}

/** A value that goes up and down per label set. */
export class Gauge implements Metric {
  private readonly series = new Map<string, Series>();
  constructor(
    private readonly name: string,
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

  render(): string {
    let text = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    for (const [key, series] of this.series)
      text += `${this.name}${key} ${formatNumber(series.value)}\n`;
    return text;
  }
}

/** Cumulative buckets of observed values (Prometheus histogram), without labels. */
export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    private readonly name: string,
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

  render(): string {
    let text = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (let index = 0; index < this.buckets.length; index++) {
      text += `${this.name}_bucket{le="${formatNumber(this.buckets[index] as number)}"} ${this.counts[index]}\n`;
    }
    text += `${this.name}_bucket{le="+Inf"} ${this.count}\n`;
    text += `${this.name}_sum ${formatNumber(this.sum)}\n${this.name}_count ${this.count}\n`;
    return text;
  }
}

/** Renders a set of metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(metrics: readonly Metric[]): string {
  return metrics.map((metric) => metric.render()).join("");
}

/** Content type of {@link renderMetrics} output. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";
