import { describe, expect, it } from "vitest";
import { Counter, Gauge, Histogram } from "../../_shared/prometheus.ts";
import { StoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import { OtlpMetricsExporter } from "./otlp-metrics.ts";
import { renderSnapshot, SharedMetrics, type FieldStore } from "./shared-metrics.ts";
import { sampleTrace } from "./tracing.ts";

/** A hash store in memory, with a switch to make its writes fail. */
function fieldStore(): FieldStore & { hash: Map<string, number>; failWith?: Error } {
  const hash = new Map<string, number>();
  const store = Object.assign(new MemoryStore(), {
    hash,
    failWith: undefined as Error | undefined,
    incrementFields: async (_key: string, amounts: ReadonlyMap<string, number>) => {
      if (store.failWith) throw store.failWith;
      for (const [field, amount] of amounts) hash.set(field, (hash.get(field) ?? 0) + amount);
    },
    getFields: async () =>
      Object.fromEntries([...hash].map(([key, value]) => [key, String(value)])),
  });
  return store;
}

/** Timers that fire only when the test says so. */
function manualTimers(): {
  setTimer: (callback: () => void) => unknown;
  clearTimer: () => void;
  fire: () => void;
  armed: () => boolean;
} {
  let pending: (() => void) | undefined;
  return {
    setTimer: (callback) => (pending = callback),
    clearTimer: () => (pending = undefined),
    fire: () => {
      const callback = pending;
      pending = undefined;
      callback?.();
    },
    armed: () => pending !== undefined,
  };
}

function counter(): Counter {
  return new Counter("test_requests_total", "Requests.");
}

describe("SharedMetrics", () => {
  it("writes nothing before its timer fires", () => {
    const store = fieldStore();
    const requests = counter();
    const timers = manualTimers();
    const shared = new SharedMetrics(store, [requests], timers);
    requests.increment({ route: "/a" });
    shared.touch();

    expect(store.hash.size).toBe(0);
    expect(timers.armed()).toBe(true);
  });

  it("writes the changes when the timer fires", async () => {
    const store = fieldStore();
    const requests = counter();
    const timers = manualTimers();
    const shared = new SharedMetrics(store, [requests], timers);
    requests.increment({ route: "/a" }, 2);
    shared.touch();
    timers.fire();
    await shared.flush();

    expect(store.hash.get('test_requests_total{route="/a"}')).toBe(2);
  });

  it("writes after flushEvery updates without waiting for the timer", async () => {
    const store = fieldStore();
    const requests = counter();
    const shared = new SharedMetrics(store, [requests], { ...manualTimers(), flushEvery: 3 });
    for (let index = 0; index < 3; index++) {
      requests.increment();
      shared.touch();
    }
    await shared.flush();

    expect(store.hash.get("test_requests_total")).toBe(3);
  });

  it("writes only what changed since the last write", async () => {
    const store = fieldStore();
    const requests = counter();
    const shared = new SharedMetrics(store, [requests], manualTimers());
    requests.increment();
    await shared.flush();
    requests.increment();
    await shared.flush();
    await shared.flush();

    expect(store.hash.get("test_requests_total")).toBe(2);
  });

  it("keeps changes a failed write did not deliver and sends them with the next", async () => {
    const store = fieldStore();
    const requests = counter();
    const shared = new SharedMetrics(store, [requests], manualTimers());
    requests.increment();
    store.failWith = new StoreUnavailableError("increment_fields", "connection refused");
    await shared.flush();
    store.failWith = undefined;
    await shared.flush();

    expect(store.hash.get("test_requests_total")).toBe(1);
  });

  it("drops changes of a timed-out write, which may have been applied", async () => {
    const store = fieldStore();
    const requests = counter();
    const shared = new SharedMetrics(store, [requests], manualTimers());
    requests.increment();
    store.failWith = new StoreUnavailableError("increment_fields", "timeout after 200ms");
    await shared.flush();
    store.failWith = undefined;
    await shared.flush();

    expect(store.hash.has("test_requests_total")).toBe(false);
  });

  it("renders series other processes wrote", async () => {
    const store = fieldStore();
    store.hash.set('test_requests_total{route="/other"}', 4);
    const shared = new SharedMetrics(store, [counter()], manualTimers());

    expect(renderSnapshot(await shared.snapshot())).toContain(
      'test_requests_total{route="/other"} 4\n',
    );
  });

  it("adds histogram buckets across processes", async () => {
    const store = fieldStore();
    store.hash.set('test_seconds_bucket{le="1"}', 5);
    const histogram = new Histogram("test_seconds", "Seconds.", [1]);
    const shared = new SharedMetrics(store, [histogram], manualTimers());
    histogram.observe(0.5);

    expect(renderSnapshot(await shared.snapshot())).toContain('test_seconds_bucket{le="1"} 6\n');
  });

  it("renders gauges as this process holds them, never adding them up", async () => {
    const store = fieldStore();
    const gauge = new Gauge("test_state", "State.");
    gauge.set({ provider: "openai" }, 2);
    const shared = new SharedMetrics(store, [gauge], manualTimers());
    await shared.snapshot();
    await shared.snapshot();

    expect(renderSnapshot(await shared.snapshot())).toContain('test_state{provider="openai"} 2\n');
    expect(store.hash.size).toBe(0);
  });

  it("keeps the figures per process without a store", async () => {
    const requests = counter();
    requests.increment();
    const shared = new SharedMetrics(undefined, [requests], manualTimers());

    expect(renderSnapshot(await shared.snapshot())).toContain("test_requests_total 1\n");
  });
});

describe("OtlpMetricsExporter", () => {
  it("writes counters as cumulative monotonic sums with their labels", () => {
    const requests = counter();
    requests.increment({ route: "/a" }, 3);
    const exporter = new OtlpMetricsExporter({ url: "http://127.0.0.1:1", serviceName: "test" });
    const body = JSON.stringify(exporter.body([{ metric: requests, samples: requests.samples() }]));

    expect(body).toContain('"aggregationTemporality":2,"isMonotonic":true');
    expect(body).toContain(
      '"attributes":[{"key":"route","value":{"stringValue":"/a"}}],"asDouble":3',
    );
  });

  it("turns Prometheus's cumulative buckets into OTLP's per-bucket counts", () => {
    const histogram = new Histogram("test_seconds", "Seconds.", [1, 2]);
    for (const value of [0.5, 1.5, 1.7, 9]) histogram.observe(value);
    const exporter = new OtlpMetricsExporter({ url: "http://127.0.0.1:1", serviceName: "test" });
    const body = exporter.body([{ metric: histogram, samples: histogram.samples() }]) as {
      resourceMetrics: {
        scopeMetrics: { metrics: { histogram: { dataPoints: { bucketCounts: string[] }[] } }[] }[];
      }[];
    };

    expect(
      body.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.histogram.dataPoints[0]?.bucketCounts,
    ).toEqual(["1", "2", "1"]);
  });
});

describe("sampleTrace", () => {
  const low = `${"0".repeat(16)}0000000000000001`;
  const high = `${"0".repeat(16)}ffffffffffffffff`;

  it("keeps a trace whose id falls under the ratio", () => {
    expect(sampleTrace("traceidratio", 0.5, low, undefined)).toBe(true);
  });

  it("drops a trace whose id falls over the ratio", () => {
    expect(sampleTrace("traceidratio", 0.5, high, undefined)).toBe(false);
  });

  it("follows an unsampled parent with a parent-based sampler", () => {
    expect(
      sampleTrace("parentbased_always_on", 1, low, { traceId: low, spanId: "1", sampled: false }),
    ).toBe(false);
  });
});
