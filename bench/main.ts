// `npm run bench`: every figure of issue 6 in one run, written to bench/results/.
// `npm run bench -- --quick` shortens every loop (a smoke run; its numbers are not for comparison).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startProviderSimulator } from "../scripts/provider-simulator/index";
import { denoBinary, startGateway } from "../test/support/gateway-process";
import type { GatewayProcess } from "../test/support/gateway-process";
import { startRedisServer } from "../test/support/redis-server";
import { repositoryRoot } from "../test/support/repository-root";
import { startUpstashRestServer } from "../test/support/upstash-rest-server";
import type { BenchContext } from "./lib/context";
import { HttpClient } from "./lib/http-client";
import type { LoadResult } from "./lib/load";
import { startPortkey } from "./lib/portkey";
import { Progress } from "./lib/progress";
import { quantiles, summarize } from "./lib/stats";
import { compareResults } from "./report/compare";
import { renderMarkdown } from "./report/markdown";
import type { BenchResults, RunFigures, TargetCheck } from "./report/results";
import { renderLatencyChart } from "./report/svg-chart";
import { measureCacheHits } from "./scenarios/cache-hit";
import { measureColdStart } from "./scenarios/cold-start";
import { measureCostReplay } from "./scenarios/cost-replay";
import { measureFailover } from "./scenarios/failover";
import { measureHashing } from "./scenarios/hashing";
import { measureJobs } from "./scenarios/jobs";
import { boundedHeapV8Flags, measureMemoryStore } from "./scenarios/memory-store";
import { measureMetricsAggregation } from "./scenarios/metrics-aggregation";
import { measureOverhead } from "./scenarios/overhead";
import { measurePlan } from "./scenarios/plan-time";
import { measureRequestPaths } from "./scenarios/request-paths";
import { measureServeFloor } from "./scenarios/serve-floor";
import { measureSemanticCache } from "./scenarios/semantic-cache";
import { measureStreaming } from "./scenarios/streaming";

const committedResultsDirectory = join(repositoryRoot, "bench", "results");

function figures(result: LoadResult): RunFigures {
  return {
    ...summarize(result.latencies),
    requestsPerSecond: result.requestsPerSecond,
    errors: result.errors,
  };
}

function commandVersion(command: string, args: string[]): string {
  try {
    return (
      execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
        .split("\n")[0]
        ?.trim() ?? "unknown"
    );
  } catch {
    return "unknown";
  }
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(
        readFileSync(join(repositoryRoot, "node_modules", name, "package.json"), "utf8"),
      ) as { version: string }
    ).version;
  } catch {
    return "unknown";
  }
}

/** A target check; without `met` the figure is only reported (no target applies). */
function check(
  id: string,
  description: string,
  target: string,
  value: number | null,
  unit: string,
  met?: (value: number) => boolean,
): TargetCheck {
  const measured = value !== null && Number.isFinite(value);
  return {
    id,
    description,
    target,
    value: measured ? value : null,
    unit,
    met: measured && met ? met(value) : null,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const quick = values.quick ?? false;
  const progress = new Progress(8);
  const client = new HttpClient(32);
  const context: BenchContext = { progress, client, scale: quick ? 0.1 : 1 };
  const started = performance.now();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  // Ctrl-C or a SIGTERM (e.g. from `timeout`) must not leave Deno, Portkey or redis-server behind:
  // they run in their own process groups and would outlive this process.
  process.once("SIGINT", () => void cleanUp().then(() => process.exit(130)));
  process.once("SIGTERM", () => void cleanUp().then(() => process.exit(143)));

  try {
    progress.step(
      1,
      "starting the simulator, Portkey, redis-server, the Upstash REST server and three gateways",
    );
    const simulator = await startProviderSimulator();
    cleanups.push(() => simulator.close());
    const gatewayEnv = {
      OPENAI_API_KEY: "sk-bench-0123456789",
      OPENAI_BASE_URL: simulator.openaiBaseUrl,
      ANTHROPIC_API_KEY: "sk-ant-bench-0123456789",
      ANTHROPIC_BASE_URL: simulator.anthropicBaseUrl,
    };
    const start = async (extra: Record<string, string>): Promise<GatewayProcess> => {
      const gateway = await startGateway({
        captureOutput: false,
        env: { ...gatewayEnv, ...extra },
      });
      cleanups.push(() => gateway.stop());
      return gateway;
    };
    const portkey = await startPortkey();
    cleanups.push(() => portkey.stop());
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.stop());
    const upstash = await startUpstashRestServer({ redisUrl: redisServer.url });
    cleanups.push(() => upstash.close());
    const memoryGateway = await start({});
    const redisGateway = await start({ REDIS_URL: redisServer.url });
    const upstashGateway = await start({
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
    });

    progress.step(2, "non-cached overhead: direct vs gateway vs Portkey");
    const overhead = await measureOverhead(context, simulator, memoryGateway, portkey);
    simulator.requests.length = 0;
    const requestPaths = await measureRequestPaths(context, simulator, memoryGateway);
    simulator.requests.length = 0;

    progress.step(3, "cache-hit latency per store");
    const cacheHit = await measureCacheHits(
      context,
      { memory: memoryGateway, redis: redisGateway, upstash: upstashGateway },
      redisServer.url,
      upstash,
    );
    const serveFloor = figures(await measureServeFloor(context));
    await redisGateway.stop();
    await upstashGateway.stop();
    await portkey.stop();

    progress.step(4, "failover: primary refusing connections, primary hanging");
    const failover = await measureFailover(context, simulator);

    progress.step(5, "cost: replayed Zipf workload and a burst of identical requests");
    simulator.requests.length = 0;
    const cost = await measureCostReplay(context, memoryGateway, simulator);
    await cleanUp();

    progress.step(6, "artifact size and cold start");
    const coldStart = await measureColdStart(context, {
      OPENAI_BASE_URL: "http://127.0.0.1:9/openai/v1",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9/anthropic",
    });

    progress.step(7, "offline plan time, both stacks");
    const plan = [await measurePlan("staging"), await measurePlan("production")];
    for (const item of plan)
      progress.note(
        `${item.stack}: ${(item.ms / 1000).toFixed(1)} s${item.ok ? "" : ` (failed: ${item.error ?? ""})`}`,
      );

    progress.step(8, "below the pipeline, under Deno: cache-key hashing, in-memory store memory");
    const hashing = await measureHashing(context);
    const memoryStore = await measureMemoryStore(context);
    const metricsAggregation = await measureMetricsAggregation(context);
    const semanticCache = await measureSemanticCache(context);
    const jobs = await measureJobs(context);
    const streaming = await measureStreaming(context);

    const durationSeconds = (performance.now() - started) / 1000;
    const overheadFigures = {
      sequential: {
        direct: figures(overhead.sequential.direct),
        gateway: figures(overhead.sequential.gateway),
        portkey: figures(overhead.sequential.portkey),
      },
      concurrent16: {
        direct: figures(overhead.concurrent16.direct),
        gateway: figures(overhead.concurrent16.gateway),
        portkey: figures(overhead.concurrent16.portkey),
      },
      streamingSequential: {
        direct: figures(overhead.streamingSequential.direct),
        gateway: figures(overhead.streamingSequential.gateway),
        portkey: figures(overhead.streamingSequential.portkey),
      },
    };
    const cacheFigures = {
      memory: figures(cacheHit.memory),
      redis: figures(cacheHit.redis),
      upstash: figures(cacheHit.upstash),
      rawRedisGet: figures(cacheHit.rawRedisGet),
      rawUpstashGet: figures(cacheHit.rawUpstashGet),
      answerBytes: cacheHit.answerBytes,
    };
    const failoverFigures = {
      refused: {
        beforeBreakerOpens: figures(failover.refused.beforeBreakerOpens),
        afterBreakerOpens: figures(failover.refused.afterBreakerOpens),
        fallbackDirect: figures(failover.refused.fallbackDirect),
        breakerAfter: failover.refused.breakerAfter,
      },
      hanging: {
        beforeBreakerOpens: figures(failover.hanging.beforeBreakerOpens),
        afterBreakerOpens: figures(failover.hanging.afterBreakerOpens),
        fallbackDirect: figures(failover.hanging.fallbackDirect),
        breakerAfter: failover.hanging.breakerAfter,
      },
    };
    const sequential = overheadFigures.sequential;
    const concurrent = overheadFigures.concurrent16;
    const targets: TargetCheck[] = [
      check(
        "overhead-p50",
        "gateway overhead over a direct call, sequential, p50",
        "<= 1 ms",
        sequential.gateway.p50 - sequential.direct.p50,
        "ms",
        (value) => value <= 1,
      ),
      check(
        "overhead-p99",
        "gateway overhead over a direct call, sequential, p99 (no target)",
        "reported",
        sequential.gateway.p99 - sequential.direct.p99,
        "ms",
      ),
      check(
        "overhead-p50-16",
        "gateway overhead over a direct call, 16 concurrent, p50 (no target)",
        "reported",
        concurrent.gateway.p50 - concurrent.direct.p50,
        "ms",
      ),
      check(
        "throughput-vs-portkey",
        "gateway req/s at 16 concurrent / Portkey's",
        ">= 2x",
        concurrent.gateway.requestsPerSecond / concurrent.portkey.requestsPerSecond,
        "x",
        (value) => value >= 2,
      ),
      check(
        "memory-hit-p50",
        "in-memory cache hit, p50",
        "<= 0.5 ms",
        cacheFigures.memory.p50,
        "ms",
        (value) => value <= 0.5,
      ),
      check(
        "redis-hit-vs-get",
        "Redis cache hit p50 minus raw Redis GET p50",
        "<= 0.5 ms",
        cacheFigures.redis.p50 - cacheFigures.rawRedisGet.p50,
        "ms",
        (value) => value <= 0.5,
      ),
      check(
        "failover-refused-open",
        "failover with the breaker open (primary refusing) over calling the fallback directly, p50",
        "<= 1 ms",
        failoverFigures.refused.afterBreakerOpens.p50 - failoverFigures.refused.fallbackDirect.p50,
        "ms",
        (value) => value <= 1,
      ),
      check(
        "failover-hanging-open",
        "failover with the breaker open (primary hanging) over calling the fallback directly, p50",
        "<= 1 ms",
        failoverFigures.hanging.afterBreakerOpens.p50 - failoverFigures.hanging.fallbackDirect.p50,
        "ms",
        (value) => value <= 1,
      ),
      check(
        "cold-start-ratio",
        `gateway cold start (${coldStart.measured}) / hello-world Deno.serve, p50`,
        "<= 1.5x",
        coldStart.gateway.p50 / coldStart.helloWorld.p50,
        "x",
        (value) => value <= 1.5,
      ),
      check(
        "burst-upstream-calls",
        "upstream calls for a burst of 200 identical concurrent requests",
        "1",
        cost.burst.upstreamCalls,
        "calls",
        (value) => value === 1,
      ),
      check(
        "serve-floor-p50",
        "bare Deno.serve that reads the body and answers, sequential, p50 (no target)",
        "reported",
        serveFloor.p50,
        "ms",
      ),
      check(
        "memory-hit-vs-floor",
        "in-memory cache hit p50 / bare Deno.serve floor p50",
        "<= 1.5x",
        cacheFigures.memory.p50 / serveFloor.p50,
        "x",
        (value) => value <= 1.5,
      ),
      ...hashing.sizes.flatMap((size) => {
        const label = size.bytes < 10_000 ? "1kb" : size.bytes < 1_000_000 ? "100kb" : "1mb";
        const words = `cache-key hashing, ${(size.bytes / 1024).toFixed(0)} KiB, Deno, per op`;
        return [
          check(
            `hash-${label}-old`,
            `${words}: string + pure JS (no target)`,
            "reported",
            size.cacheKeyOldMs * 1000,
            "µs",
          ),
          check(
            `hash-${label}-new`,
            `${words}: bytes + WebCrypto (no target)`,
            "reported",
            size.cacheKeyNewMs * 1000,
            "µs",
          ),
        ];
      }),
      check(
        "memory-store-peak-rss",
        `peak RSS of Deno after 20,000 unique 50 KB writes to the in-memory store, ${(memoryStore.bounded.maxBytes ?? 0) / 1024 ** 2} MiB bound`,
        `<= ${(memoryStore.bounded.maxBytes ?? 0) / 1024 ** 2 + 64} MiB`,
        memoryStore.bounded.peakRss / 1024 ** 2,
        "MiB",
        (value) => value <= (memoryStore.bounded.maxBytes ?? 0) / 1024 ** 2 + 64,
      ),
      check(
        "memory-store-counted",
        "bytes that store held at the end, as it counts them (no target)",
        "reported",
        memoryStore.bounded.storeBytes / 1024 ** 2,
        "MiB",
      ),
      check(
        "memory-store-peak-rss-heap-flags",
        `the same peak RSS with V8 ${boundedHeapV8Flags.join(" ")} (no target)`,
        "reported",
        memoryStore.boundedHeap.peakRss / 1024 ** 2,
        "MiB",
      ),
      check(
        "memory-store-previous-peak-rss",
        "the same with the previous store (10,000 entries, insertion order; full run only, no target)",
        "reported",
        memoryStore.previous === undefined ? null : memoryStore.previous.peakRss / 1024 ** 2,
        "MiB",
      ),
      check(
        "metrics-aggregation-hit-p50",
        "metrics added up across isolates: p50 added to an in-memory cache hit (in-process)",
        "<= 0.05 ms",
        metricsAggregation.addedP50Ms,
        "ms",
        (value) => value <= 0.05,
      ),
      check(
        "paraphrase-hit-rate-exact-only",
        `paraphrase workload (${semanticCache.requests} requests, seeded: ${semanticCache.repeatFraction * 100} % repeats, ${semanticCache.paraphraseFraction * 100} % paraphrases): hit rate, exact cache only`,
        "reported",
        semanticCache.exactOnly.hitRate * 100,
        "%",
      ),
      check(
        "paraphrase-hit-rate-semantic",
        "the same workload: hit rate, exact + semantic cache (PGlite + pgvector)",
        "> exact only",
        semanticCache.exactAndSemantic.hitRate * 100,
        "%",
        (value) => value > semanticCache.exactOnly.hitRate * 100,
      ),
      check(
        "paraphrase-saved-exact-only",
        "the same workload: cost the hits avoided, exact cache only",
        "reported",
        semanticCache.exactOnly.savedUsd,
        "USD",
      ),
      check(
        "paraphrase-saved-semantic",
        "the same workload: cost the hits avoided, exact + semantic cache",
        "reported",
        semanticCache.exactAndSemantic.savedUsd,
        "USD",
      ),
      check(
        "semantic-miss-lookup-p50",
        `semantic lookup on a miss, ${semanticCache.entries} entries in scope (PGlite), p50`,
        "<= 5 ms",
        semanticCache.missLookupP50Ms,
        "ms",
        (value) => value <= 5,
      ),
      ...plan.map((stack) =>
        check(
          `plan-time-${stack.stack}`,
          `offline plan of ${stack.stack} (\`npm run plan -- --stack ${stack.stack} --json\`), wall time`,
          "< 10 s",
          stack.ok ? stack.ms / 1000 : null,
          "s",
          (value) => value < 10,
        ),
      ),
      check(
        "miss-overhead-p50",
        "non-streaming cache miss (key, lookup, upstream, store) over a direct call, sequential, p50",
        "<= 0.5 ms",
        requestPaths.missP50 - requestPaths.directP50,
        "ms",
        (value) => value <= 0.5,
      ),
      check(
        "throughput-64-vs-16",
        "gateway req/s at 64 concurrent / at 16 (cache bypassed)",
        ">= 1.5x",
        requestPaths.requestsPerSecond64 / requestPaths.requestsPerSecond16,
        "x",
        (value) => value >= 1.5,
      ),
      ...requestPaths.bodySizes.flatMap((size) => {
        const label = `${Math.round(size.bodyBytes / 1000)} KB body`;
        const overheadOf = (path: "miss" | "hit" | "bypass") =>
          size.gatewayP50[path] - size.directP50;
        return [
          ...(["miss", "hit", "bypass"] as const).map((path) =>
            check(
              `body-${size.bodyBytes}-${path}-overhead`,
              `${label}: gateway ${path} over a direct call, p50 (no target)`,
              "reported",
              overheadOf(path),
              "ms",
            ),
          ),
          ...(size.bodyBytes >= 1_000_000
            ? [
                check(
                  `body-${size.bodyBytes}-hit-vs-bypass`,
                  `${label}: hit overhead minus bypass overhead, p50`,
                  "<= 0 ms",
                  overheadOf("hit") - overheadOf("bypass"),
                  "ms",
                  (value) => value <= 0,
                ),
              ]
            : []),
        ];
      }),
      ...streaming.sizes.flatMap((size) =>
        (["gateway", "portkey"] as const).map((target) =>
          check(
            `streaming-${size.chunks}-cpu-per-chunk-${target}`,
            `${size.chunks}-chunk streams: CPU per streamed chunk of ${target === "gateway" ? "the gateway" : "Portkey"}'s process (/proc), no target`,
            "reported",
            size.targets[target].cpuPerChunkMicros,
            "µs",
          ),
        ),
      ),
      check(
        "streaming-cpu-per-chunk-vs-portkey",
        "CPU per streamed chunk, 1,000-chunk streams: gateway / Portkey",
        "<= 1x",
        (streaming.sizes.at(-1)?.targets.gateway.cpuPerChunkMicros ?? Number.NaN) /
          (streaming.sizes.at(-1)?.targets.portkey.cpuPerChunkMicros ?? Number.NaN),
        "x",
        (value) => value <= 1,
      ),
      check(
        "streaming-1000-p50-vs-direct",
        "1,000-chunk stream through the gateway / direct, p50 of the whole stream",
        "<= 1.2x",
        (streaming.sizes.at(-1)?.targets.gateway.total.p50 ?? Number.NaN) /
          (streaming.sizes.at(-1)?.targets.direct.total.p50 ?? Number.NaN),
        "x",
        (value) => value <= 1.2,
      ),
      check(
        "streaming-ttfb-overhead",
        "streaming TTFB (first content chunk) over a direct call, 10-chunk streams, p50",
        "<= 0.3 ms",
        (streaming.sizes[0]?.targets.gateway.ttfb.p50 ?? Number.NaN) -
          (streaming.sizes[0]?.targets.direct.ttfb.p50 ?? Number.NaN),
        "ms",
        (value) => value <= 0.3,
      ),
      check(
        "job-submit-vs-hit-p50",
        "POST /v1/jobs (202) p50 minus a cache hit p50, same gateway, PGlite",
        "<= 2 ms",
        jobs.submitP50Ms - jobs.hitP50Ms,
        "ms",
        (value) => value <= 2,
      ),
      check(
        "job-throughput",
        `one-step jobs completed per second by one job worker invocation, instant provider, PGlite (${jobs.jobs} jobs, no target)`,
        "reported",
        jobs.jobsPerSecond,
        "jobs/s",
      ),
      check(
        "job-throughput-4",
        "the same with four worker invocations at once (no target)",
        "reported",
        jobs.jobsPerSecondFourWorkers,
        "jobs/s",
      ),
      check(
        "bench-duration",
        "whole benchmark wall time",
        "< 600 s",
        durationSeconds,
        "s",
        (value) => value < 600,
      ),
    ];
    const cpuList = cpus();
    const results: BenchResults = {
      formatVersion: 1,
      date: new Date().toISOString(),
      quick,
      durationSeconds,
      machine: {
        cpus: cpuList.length,
        cpuModel: cpuList[0]?.model.trim() ?? "unknown",
        memoryGiB: totalmem() / 1024 ** 3,
        platform: platform(),
        release: release(),
      },
      versions: {
        node: process.version,
        deno: commandVersion(denoBinary, ["--version"]),
        "redis-server": commandVersion("redis-server", ["--version"]),
        "@portkey-ai/gateway": packageVersion("@portkey-ai/gateway"),
        "@hono/node-server": packageVersion("@hono/node-server"),
        commit: commandVersion("git", ["-C", repositoryRoot, "rev-parse", "--short", "HEAD"]),
      },
      overhead: overheadFigures,
      cacheHit: cacheFigures,
      failover: failoverFigures,
      cost: { ...cost },
      coldStart: { ...coldStart },
      streaming,
      jobs,
      plan,
      targets,
      distributions: {
        sequential: {
          direct: quantiles(overhead.sequential.direct.latencies),
          gateway: quantiles(overhead.sequential.gateway.latencies),
          portkey: quantiles(overhead.sequential.portkey.latencies),
        },
        concurrent16: {
          direct: quantiles(overhead.concurrent16.direct.latencies),
          gateway: quantiles(overhead.concurrent16.gateway.latencies),
          portkey: quantiles(overhead.concurrent16.portkey.latencies),
        },
      },
    };

    // A quick run never replaces the committed results; it is compared with them.
    const resultsDirectory = quick
      ? join(tmpdir(), "llm-gateway-bench-quick")
      : committedResultsDirectory;
    mkdirSync(resultsDirectory, { recursive: true });
    const latestPath = join(resultsDirectory, "latest.json");
    const previousPath = join(committedResultsDirectory, "latest.json");
    const previous = existsSync(previousPath)
      ? (JSON.parse(readFileSync(previousPath, "utf8")) as BenchResults)
      : undefined;
    const comparisons = compareResults(previous, targets);
    writeFileSync(latestPath, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(resultsDirectory, "latest.md"), renderMarkdown(results, comparisons));
    const colors = { direct: "#6b7280", gateway: "#2563eb", portkey: "#ea580c" } as const;
    const panel = (title: string, mode: "sequential" | "concurrent16") => ({
      title,
      series: (["direct", "gateway", "portkey"] as const).map((target) => ({
        name: target === "direct" ? "direct" : target === "gateway" ? "this gateway" : "Portkey",
        color: colors[target],
        quantiles: results.distributions[mode][target],
      })),
    });
    writeFileSync(
      join(resultsDirectory, "latency.svg"),
      renderLatencyChart(
        [panel("sequential", "sequential"), panel("16 concurrent", "concurrent16")],
        `${results.machine.cpus} x ${results.machine.cpuModel}, ${results.date.slice(0, 16).replace("T", " ")} UTC, commit ${results.versions.commit}`,
      ),
    );
    process.stderr.write(
      `\nwrote ${resultsDirectory}/latest.json, latest.md and latency.svg in ${durationSeconds.toFixed(0)} s (free memory ${(freemem() / 1024 ** 3).toFixed(1)} GiB)\n\n`,
    );
    for (const target of targets) {
      const verdict =
        target.met === null
          ? target.target === "reported"
            ? "figure"
            : "not measured"
          : target.met
            ? "met"
            : "MISSED";
      console.log(
        `${verdict.padEnd(12)} ${target.description}: ${target.value === null ? "n/a" : target.value.toFixed(3)} ${target.unit} (target ${target.target})`,
      );
    }
  } finally {
    await cleanUp();
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
