import { describe, expect, it } from "vitest";
import { Counter, Gauge, Histogram, renderMetrics } from "./prometheus.ts";

describe("Prometheus rendering", () => {
  it("renders counters with HELP, TYPE and labels", () => {
    const counter = new Counter("requests_total", "Requests.");
    counter.increment({ route: "/v1/chat", status: "200" });
    counter.increment({ route: "/v1/chat", status: "200" }, 2);
    expect(counter.render()).toBe(
      '# HELP requests_total Requests.\n# TYPE requests_total counter\nrequests_total{route="/v1/chat",status="200"} 3\n',
    );
  });

  it("escapes quotes, backslashes and newlines in label values", () => {
    const counter = new Counter("c", "C.");
    counter.increment({ model: 'a"b\\c\nd' });
    expect(counter.render()).toContain('c{model="a\\"b\\\\c\\nd"} 1');
  });

  it("renders gauges without labels", () => {
    const gauge = new Gauge("spent", "Spent.");
    gauge.set({}, 1.5);
    expect(gauge.render()).toContain("\nspent 1.5\n");
  });

  it("renders cumulative histogram buckets, +Inf, sum and count", () => {
    const histogram = new Histogram("duration_seconds", "D.", [0.1, 1]);
    histogram.observe(0.05);
    histogram.observe(0.5);
    histogram.observe(5);
    expect(histogram.render()).toBe(
      [
        "# HELP duration_seconds D.",
        "# TYPE duration_seconds histogram",
        'duration_seconds_bucket{le="0.1"} 1',
        'duration_seconds_bucket{le="1"} 2',
        'duration_seconds_bucket{le="+Inf"} 3',
        "duration_seconds_sum 5.55",
        "duration_seconds_count 3",
        "",
      ].join("\n"),
    );
  });

  it("concatenates metrics", () => {
    expect(renderMetrics([new Counter("a", "A."), new Counter("b", "B.")])).toBe(
      "# HELP a A.\n# TYPE a counter\n# HELP b B.\n# TYPE b counter\n",
    );
  });
});
