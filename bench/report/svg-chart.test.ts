import { describe, expect, it } from "vitest";
import { renderLatencyChart } from "./svg-chart";

describe("latency chart", () => {
  const svg = renderLatencyChart(
    [
      {
        title: "sequential",
        series: [
          { name: "direct", color: "#000", quantiles: [0.2, 0.3, 0.5] },
          { name: "a <gateway>", color: "#00f", quantiles: [0.4, 0.8, 3] },
        ],
      },
    ],
    "2 cores",
  );

  it("draws one polyline per series", () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
  });

  it("escapes names and prints each median in the legend", () => {
    expect(svg).toContain("a &lt;gateway&gt; (p50 0.80 ms)");
  });

  it("is a standalone SVG document", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });
});
