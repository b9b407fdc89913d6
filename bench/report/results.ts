import type { LatencySummary } from "../lib/stats";
import type { JobsBenchResult } from "../scenarios/jobs";
import type { StreamingResult } from "../scenarios/streaming";

/** Latency summary (ms) plus throughput of one load run. */
export interface RunFigures extends LatencySummary {
  /** Measured requests per second. */
  requestsPerSecond: number;
  /** Failed or wrong answers. */
  errors: number;
  /** The first failure's message, when there was one. */
  firstError?: string;
}

/** One target of issues 3, 5 and 6, and whether this run met it. */
export interface TargetCheck {
  /** Stable identifier, used to compare runs. */
  id: string;
  /** What is measured, in words. */
  description: string;
  /** The target, in words (e.g. "<= 1 ms"). */
  target: string;
  /** The measured value. */
  value: number | null;
  /** Unit of `value`. */
  unit: string;
  /** Whether the target was met; null when it could not be measured. */
  met: boolean | null;
}

/** Everything `npm run bench` writes to `bench/results/latest.json`. */
export interface BenchResults {
  /** Bumped when the shape changes. */
  formatVersion: 1;
  /** ISO date of the run. */
  date: string;
  /** Whether this was a shortened `--quick` run. */
  quick: boolean;
  /** Wall time of the whole run, seconds. */
  durationSeconds: number;
  /** The machine. */
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; release: string };
  /** Versions of what was measured. */
  versions: Record<string, string>;
  /** Non-cached overhead figures per mode and target. */
  overhead: Record<
    "sequential" | "concurrent16" | "streamingSequential",
    Record<"direct" | "gateway" | "portkey", RunFigures>
  >;
  /** Cache-hit latency per store and raw reads. */
  cacheHit: Record<"memory" | "redis" | "upstash" | "rawRedisGet" | "rawUpstashGet", RunFigures> & {
    answerBytes: number;
  };
  /** Failover per failure mode. */
  failover: Record<
    "refused" | "hanging",
    {
      beforeBreakerOpens: RunFigures;
      afterBreakerOpens: RunFigures;
      fallbackDirect: RunFigures;
      breakerAfter: string;
    }
  >;
  /** The replayed workload. */
  cost: Record<string, unknown>;
  /** Artifact size and cold starts. */
  coldStart: Record<string, unknown>;
  /** Streams of 10, 100 and 1,000 chunks: direct, gateway and Portkey (absent in older files). */
  streaming?: StreamingResult;
  /** Job submit latency against a cache hit, and the worker's throughput (absent in older files). */
  jobs?: JobsBenchResult;
  /** Offline plan wall time per stack. */
  plan: { stack: string; ms: number; ok: boolean; resources?: number; error?: string }[];
  /** Target checks. */
  targets: TargetCheck[];
  /** Latency quantiles (0..100 %) for the chart. */
  distributions: Record<
    "sequential" | "concurrent16",
    Record<"direct" | "gateway" | "portkey", number[]>
  >;
}
