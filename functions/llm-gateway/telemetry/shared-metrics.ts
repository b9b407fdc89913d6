import { formatSampleValue, type Metric } from "../../_shared/prometheus.ts";
import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import type { Store } from "../../_shared/store/store.ts";

/** A store that can add up metrics: one with hash increments (Redis, Upstash). */
export type FieldStore = Store & Required<Pick<Store, "incrementFields" | "getFields">>;

/** Whether `store` can hold metrics shared across processes. */
export function canShareMetrics(store: Store): store is FieldStore {
  return store.incrementFields !== undefined && store.getFields !== undefined;
}

/** Options of {@link SharedMetrics}. */
export interface SharedMetricsOptions {
  /** The hash holding the totals. @default "llm:metrics:v1" */
  key?: string;
  /**
   * Longest time an update waits in this process before it is written, in milliseconds.
   * @default 2000
   */
  flushIntervalMs?: number;
  /** Requests after which a write is started without waiting for the interval. @default 100 */
  flushEvery?: number;
  /** Timer seam for tests. @default globalThis.setTimeout */
  setTimer?: (callback: () => void, milliseconds: number) => unknown;
  /** Timer seam for tests. @default globalThis.clearTimeout */
  clearTimer?: (timer: unknown) => void;
  /** Runs before each write (off the request path), e.g. to turn noted cache hits into figures. */
  beforeWrite?: () => Promise<void>;
}

/** One metric and its samples, as `/metrics` shows them. */
export interface MetricSnapshot {
  /** The metric (name, type, header). */
  metric: Metric;
  /** `[sample name with labels, value]` pairs. */
  samples: [string, number][];
}

/** The Prometheus text of a snapshot. */
export function renderSnapshot(snapshot: readonly MetricSnapshot[]): string {
  let text = "";
  for (const { metric, samples } of snapshot) {
    text += metric.header();
    for (const [sample, value] of samples) text += `${sample} ${formatSampleValue(value)}\n`;
  }
  return text;
}

/** The hash key of the shared totals. */
export const sharedMetricsKey = "llm:metrics:v1";

/**
 * Counters and histograms added up across processes (edge isolates) in one store hash. The request
 * path only counts in memory, as before, and calls {@link touch}; a timer (or every
 * `flushEvery` requests) then writes what changed since the last write as one atomic
 * `HINCRBYFLOAT` script, after the response. Sample names with labels are the hash fields, so any
 * process reads the totals of all with one `HGETALL`.
 *
 * Delivery: a write that fails before reaching the store is kept and retried with the next one; a
 * write that timed out is dropped (it may have been applied, and adding it again would count twice).
 */
export class SharedMetrics {
  private readonly key: string;
  private readonly written = new Map<string, number>();
  private timer: unknown;
  private updates = 0;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    /** Where the totals add up; undefined keeps them per process (the memory store). */
    private readonly store: FieldStore | undefined,
    private readonly metrics: readonly Metric[],
    private readonly options: SharedMetricsOptions = {},
  ) {
    this.key = options.key ?? sharedMetricsKey;
  }

  /** Notes that metrics changed; arms the write. Costs a counter and a comparison on the hot path. */
  touch(): void {
    if (this.closed) return;
    this.updates += 1;
    if (this.updates >= (this.options.flushEvery ?? 100)) {
      void this.flush();
      return;
    }
    if (this.timer === undefined) {
      const setTimer = this.options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
      this.timer = setTimer(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.flushIntervalMs ?? 2000);
    }
  }

  /** What changed since the last successful write, by sample name. */
  private deltas(): Map<string, number> {
    const deltas = new Map<string, number>();
    for (const metric of this.metrics) {
      if (metric.type === "gauge") continue;
      for (const [sample, value] of metric.samples()) {
        const delta = value - (this.written.get(sample) ?? 0);
        if (delta !== 0) deltas.set(sample, delta);
      }
    }
    return deltas;
  }

  /** Writes the local changes now; resolves when they are written or given up. Never rejects. */
  flush(): Promise<void> {
    this.updates = 0;
    if (this.timer !== undefined) {
      (this.options.clearTimer ?? ((timer) => clearTimeout(timer as number)))(this.timer);
      this.timer = undefined;
    }
    // One write at a time: the baseline of the next depends on the outcome of this one.
    const previous = this.writing ?? Promise.resolve();
    const next = previous.then(() => this.write());
    this.writing = next;
    void next.finally(() => {
      if (this.writing === next) this.writing = undefined;
    });
    return next;
  }

  private async write(): Promise<void> {
    await this.options.beforeWrite?.().catch(() => undefined);
    if (this.store === undefined) return;
    const deltas = this.deltas();
    if (deltas.size === 0) return;
    const advance = (): void => {
      for (const [sample, delta] of deltas)
        this.written.set(sample, (this.written.get(sample) ?? 0) + delta);
    };
    try {
      await this.store.incrementFields(this.key, deltas);
      advance();
    } catch (error) {
      if (isStoreUnavailableError(error) && error.reason.startsWith("timeout")) advance();
    }
  }

  /**
   * The totals of every process, metric by metric: this process's changes are written first, then
   * the hash is read. Gauges are this process's (they mirror state kept in the store). Without a
   * store, this process's figures.
   * @throws when the store cannot be read (the caller falls back to {@link localSnapshot}).
   */
  async snapshot(): Promise<MetricSnapshot[]> {
    await this.flush();
    if (this.store === undefined) return this.localSnapshot();
    const fields = await this.store.getFields(this.key);
    return this.metrics.map((metric) => {
      if (metric.type === "gauge") return { metric, samples: metric.samples() };
      const seen = new Set<string>();
      const samples: [string, number][] = [];
      for (const [sample] of metric.samples()) {
        seen.add(sample);
        samples.push([sample, Number(fields[sample] ?? 0)]);
      }
      // Series only other processes have seen (another route, provider or status).
      const prefix = `${metric.name}{`;
      for (const field of Object.keys(fields).sort()) {
        if (!seen.has(field) && (field.startsWith(prefix) || field === metric.name))
          samples.push([field, Number(fields[field])]);
      }
      return { metric, samples };
    });
  }

  /** This process's figures only. */
  localSnapshot(): MetricSnapshot[] {
    return this.metrics.map((metric) => ({ metric, samples: metric.samples() }));
  }

  /** Whether the totals are those of every process sharing the store. */
  get shared(): boolean {
    return this.store !== undefined;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
