/** One line of the chart: a name and its latency quantiles (index i = i % of requests). */
export interface ChartSeries {
  /** Legend text. */
  name: string;
  /** Stroke colour. */
  color: string;
  /** Latencies in ms at 0..100 %. */
  quantiles: number[];
}

/** One panel: a title and its series. */
export interface ChartPanel {
  /** Panel title. */
  title: string;
  /** Series drawn in it. */
  series: ChartSeries[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Latency distributions as cumulative curves (x: latency, log scale; y: share of requests at or
 * below it), one panel per load mode, side by side.
 */
export function renderLatencyChart(panels: ChartPanel[], subtitle: string): string {
  const panelWidth = 440;
  const panelHeight = 300;
  const margin = { left: 56, right: 16, top: 56, bottom: 64 };
  const width = margin.left + panels.length * (panelWidth + margin.right) + 8;
  const height = margin.top + panelHeight + margin.bottom;
  const all = panels
    .flatMap((panel) => panel.series.flatMap((series) => series.quantiles))
    .filter((value) => value > 0);
  const lowest = Math.max(0.01, Math.min(...all));
  const highest = Math.max(...all);
  const minimumDecade = Math.floor(Math.log10(lowest));
  const maximumDecade = Math.ceil(Math.log10(highest));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="600">Latency distribution on loopback, zero-latency simulator</text>`,
    `<text x="${margin.left}" y="40" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  panels.forEach((panel, panelIndex) => {
    const left = margin.left + panelIndex * (panelWidth + margin.right);
    const top = margin.top;
    const x = (milliseconds: number): number =>
      left +
      ((Math.log10(Math.max(milliseconds, 10 ** minimumDecade)) - minimumDecade) /
        (maximumDecade - minimumDecade || 1)) *
        panelWidth;
    const y = (fraction: number): number => top + panelHeight - fraction * panelHeight;
    parts.push(
      `<text x="${left}" y="${top - 4}" font-weight="600">${escapeXml(panel.title)}</text>`,
    );
    parts.push(
      `<rect x="${left}" y="${top}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`,
    );
    for (let decade = minimumDecade; decade <= maximumDecade; decade += 1) {
      const position = x(10 ** decade);
      parts.push(
        `<line x1="${position}" y1="${top}" x2="${position}" y2="${top + panelHeight}" stroke="#eee"/>`,
      );
      parts.push(
        `<text x="${position}" y="${top + panelHeight + 16}" text-anchor="middle" fill="#555">${10 ** decade >= 1 ? 10 ** decade : (10 ** decade).toFixed(-decade)} ms</text>`,
      );
    }
    for (const fraction of [0.5, 0.9, 0.99]) {
      parts.push(
        `<line x1="${left}" y1="${y(fraction)}" x2="${left + panelWidth}" y2="${y(fraction)}" stroke="#ddd" stroke-dasharray="3 3"/>`,
      );
      parts.push(
        `<text x="${left - 4}" y="${y(fraction) + 4}" text-anchor="end" fill="#555">p${Math.round(fraction * 100)}</text>`,
      );
    }
    panel.series.forEach((series, seriesIndex) => {
      const points = series.quantiles
        .map(
          (value, index) =>
            `${x(value).toFixed(1)},${y(index / (series.quantiles.length - 1)).toFixed(1)}`,
        )
        .join(" ");
      parts.push(
        `<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"/>`,
      );
      const legendY = top + panelHeight + 36 + Math.floor(seriesIndex / 3) * 14;
      const legendX = left + (seriesIndex % 3) * 140;
      parts.push(
        `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 18}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="3"/>`,
      );
      const median = series.quantiles[Math.floor(series.quantiles.length / 2)] ?? Number.NaN;
      parts.push(
        `<text x="${legendX + 22}" y="${legendY}">${escapeXml(series.name)} (p50 ${median.toFixed(2)} ms)</text>`,
      );
    });
    parts.push(
      `<text x="${left + panelWidth / 2}" y="${top + panelHeight + 58}" text-anchor="middle" fill="#555">latency (log scale)</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
