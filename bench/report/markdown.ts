import type { Comparison } from "./compare";
import type { BenchResults, RunFigures } from "./results";

function milliseconds(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? "n/a"
    : value.toFixed(digits);
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

function figuresRow(name: string, figures: RunFigures): string {
  return row([
    name,
    milliseconds(figures.p50),
    milliseconds(figures.p99),
    figures.requestsPerSecond.toFixed(0),
    figures.count,
    figures.errors,
  ]);
}

const runHeader = [
  row(["", "p50 ms", "p99 ms", "req/s", "n", "errors"]),
  row(["---", "---:", "---:", "---:", "---:", "---:"]),
];

function verdict(target: { met: boolean | null; target: string }): string {
  if (target.met === null) return target.target === "reported" ? "figure only" : "not measured";
  return target.met ? "met" : "**MISSED**";
}

/** The Markdown report: machine, versions, date, every figure, target verdicts and the comparison. */
export function renderMarkdown(results: BenchResults, comparisons: Comparison[]): string {
  const lines: string[] = [];
  const { machine } = results;
  lines.push("# Benchmark results", "");
  lines.push(
    `Run ${results.date}${results.quick ? " (**quick run**: shortened counts, not for comparison)" : ""}, ${results.durationSeconds.toFixed(0)} s.`,
  );
  lines.push(
    `Machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB, ${machine.platform} ${machine.release}. ` +
      "The load generator, the simulator, the gateways and Redis all share these cores, on loopback.",
  );
  lines.push(
    `Versions: ${Object.entries(results.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
    "",
  );

  lines.push("## Targets", "");
  lines.push(row(["figure", "target", "measured", "verdict"]), row(["---", "---", "---:", "---"]));
  for (const target of results.targets) {
    lines.push(
      row([
        target.description,
        target.target,
        `${milliseconds(target.value)} ${target.unit}`,
        verdict(target),
      ]),
    );
  }
  lines.push("");

  if (comparisons.length > 0) {
    lines.push("## Compared with the previous results file", "");
    lines.push(row(["figure", "previous", "now", "change"]), row(["---", "---:", "---:", "---:"]));
    for (const comparison of comparisons) {
      const change =
        comparison.change === null
          ? "n/a"
          : `${comparison.change >= 0 ? "+" : ""}${comparison.change.toFixed(2)}`;
      lines.push(
        row([
          comparison.description,
          `${milliseconds(comparison.previous)} ${comparison.unit}`,
          `${milliseconds(comparison.current)} ${comparison.unit}`,
          change,
        ]),
      );
    }
    lines.push("");
  }

  lines.push(
    "## Non-cached overhead (OpenAI chat completion, zero-latency simulator)",
    "",
    "![latency distributions](latency.svg)",
    "",
  );
  for (const [mode, title] of [
    ["sequential", "Sequential"],
    ["concurrent16", "16 concurrent"],
    ["streamingSequential", "Sequential, streaming"],
  ] as const) {
    lines.push(`### ${title}`, "", ...runHeader);
    const runs = results.overhead[mode];
    lines.push(
      figuresRow("direct to the simulator", runs.direct),
      figuresRow("through this gateway", runs.gateway),
      figuresRow("through Portkey 1.15.2", runs.portkey),
      "",
    );
  }

  lines.push(
    "## Cache hits",
    "",
    `Cached answer: ${results.cacheHit.answerBytes} bytes.`,
    "",
    ...runHeader,
  );
  lines.push(
    figuresRow("gateway hit, in-memory store", results.cacheHit.memory),
    figuresRow("gateway hit, Redis TCP", results.cacheHit.redis),
    figuresRow("gateway hit, Upstash REST protocol", results.cacheHit.upstash),
    figuresRow("raw Redis GET (redis client)", results.cacheHit.rawRedisGet),
    figuresRow("raw Upstash REST GET", results.cacheHit.rawUpstashGet),
    "",
  );

  lines.push("## Failover", "");
  for (const [mode, title] of [
    ["refused", "Primary refusing connections"],
    ["hanging", "Primary hanging (attempt timeout 100 ms)"],
  ] as const) {
    const run = results.failover[mode];
    lines.push(`### ${title}`, "", ...runHeader);
    lines.push(
      figuresRow("before the breaker opens", run.beforeBreakerOpens),
      figuresRow("after the breaker opens", run.afterBreakerOpens),
      figuresRow("fallback tier called directly", run.fallbackDirect),
      "",
      `Breaker state after the run: ${run.breakerAfter}.`,
      "",
    );
  }

  const cost = results.cost as Record<string, number | Record<string, number>>;
  const burst = cost.burst as Record<string, number>;
  lines.push("## Cost: replayed Zipf workload (built-in tiers and price table)", "");
  lines.push(row(["figure", "value"]), row(["---", "---:"]));
  lines.push(
    row(["requests", String(cost.requests)]),
    row([
      "prompt universe / distinct prompts drawn",
      `${String(cost.promptUniverse)} / ${String(cost.distinctPrompts)}`,
    ]),
    row(["Zipf exponent", String(cost.zipfExponent)]),
    row([
      "repeat fraction of the workload (best possible hit rate)",
      `${((cost.repeatFraction as number) * 100).toFixed(1)} %`,
    ]),
    row(["observed hit rate", `${((cost.hitRate as number) * 100).toFixed(1)} %`]),
    row(["upstream calls", String(cost.upstreamCalls)]),
    row(["errors", String(cost.errors)]),
    row(["cost without a cache", `$${(cost.costWithoutCacheUsd as number).toFixed(4)}`]),
    row(["cost with the gateway", `$${(cost.costWithCacheUsd as number).toFixed(4)}`]),
    row([
      "saved",
      `$${(cost.savedUsd as number).toFixed(4)} (${(((cost.savedUsd as number) / (cost.costWithoutCacheUsd as number)) * 100).toFixed(1)} %)`,
    ]),
    row([
      "burst: identical concurrent requests / upstream calls",
      `${burst.requests} / ${burst.upstreamCalls}`,
    ]),
    "",
  );

  const coldStart = results.coldStart as Record<string, unknown>;
  const summary = (value: unknown): string => {
    const figures = value as { p50?: number; max?: number } | undefined;
    return figures?.p50 === undefined
      ? "n/a"
      : `${figures.p50.toFixed(0)} ms (max ${figures.max?.toFixed(0)} ms)`;
  };
  lines.push("## Artifact and cold start", "");
  lines.push(row(["figure", "value"]), row(["---", "---:"]));
  lines.push(
    row(["measured", String(coldStart.measured)]),
    row([
      "artifact size",
      coldStart.artifactBytes === undefined
        ? "n/a"
        : `${((coldStart.artifactBytes as number) / 1024).toFixed(0)} KiB`,
    ]),
    row([
      "bundle time",
      coldStart.bundleMs === undefined
        ? "n/a"
        : `${((coldStart.bundleMs as number) / 1000).toFixed(1)} s`,
    ]),
    row(["gateway spawn to first /health 200, p50", summary(coldStart.gateway)]),
    row(["gateway from source, p50", summary(coldStart.source)]),
    row(["hello-world Deno.serve, p50", summary(coldStart.helloWorld)]),
    "",
  );
  if (typeof coldStart.note === "string") lines.push(`Note: ${coldStart.note}`, "");

  lines.push("## Offline plan time", "");
  lines.push(row(["stack", "wall time", "resources", "ok"]), row(["---", "---:", "---:", "---"]));
  for (const plan of results.plan) {
    lines.push(
      row([
        plan.stack,
        `${(plan.ms / 1000).toFixed(1)} s`,
        plan.resources ?? "n/a",
        plan.ok ? "yes" : `no: ${plan.error ?? ""}`,
      ]),
    );
  }
  lines.push("");
  return lines.join("\n");
}
