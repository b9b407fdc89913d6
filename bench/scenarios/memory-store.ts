import { defaultMemoryStoreMaxBytes } from "../../functions/_shared/store/memory-store";
import type { BenchContext } from "../lib/context";
import { runDenoScript } from "./deno-script";

/** One fresh Deno process writing unique 50 KB answers to the in-memory store. */
export interface MemoryStoreRun {
  /** "bounded": the byte bound; "previous": the 10,000-entry, insertion-order store it replaced. */
  mode: "bounded" | "previous";
  /** The byte bound, null for "previous". */
  maxBytes: number | null;
  /** Unique keys written. */
  writes: number;
  /** Bytes of each answer. */
  answerBytes: number;
  /** Entries held at the end. */
  entries: number;
  /** Bytes the store counted at the end. */
  storeBytes: number;
  /** Resident set size before the first write, bytes. */
  baselineRss: number;
  /** Largest resident set size sampled (every 250 writes and at the end), bytes. */
  peakRss: number;
  /** Largest V8 heap used sampled, bytes. */
  peakHeapUsed: number;
  /** Resident set size after the writes and a full collection, bytes. */
  finalRss: number;
  /** V8 heap used after the writes and a full collection, bytes. */
  finalHeapUsed: number;
  /** Wall time of the writes, ms. */
  writeMs: number;
}

/**
 * V8 heap flags that make the collector keep up with 50 KB answers: without them V8 lets old-space
 * garbage (evicted answers) grow to a few hundred MiB before a full collection.
 */
export const boundedHeapV8Flags = ["--max-old-space-size=128", "--max-semi-space-size=2"];

/** The memory scenario: the bounded store, and the previous store for comparison. */
export interface MemoryStoreResult {
  /** The store with the default byte bound, Deno with its default heap settings. */
  bounded: MemoryStoreRun;
  /** The same with {@link boundedHeapV8Flags}. */
  boundedHeap: MemoryStoreRun;
  /** The store as it was before (10,000 entries); skipped in a quick run. */
  previous?: MemoryStoreRun;
}

const mebibyte = 1024 * 1024;

function describeRun(run: MemoryStoreRun): string {
  return `${run.mode}: ${run.entries} entries (${(run.storeBytes / mebibyte).toFixed(1)} MiB counted) after ${run.writes} writes, peak RSS ${(run.peakRss / mebibyte).toFixed(0)} MiB (${(run.baselineRss / mebibyte).toFixed(0)} MiB before), heap used after GC ${(run.finalHeapUsed / mebibyte).toFixed(0)} MiB`;
}

/** Writes 20,000 unique 50 KB answers to the in-memory store in a fresh Deno process. */
export async function measureMemoryStore(context: BenchContext): Promise<MemoryStoreResult> {
  const writes = "20000";
  const bounded = await runDenoScript<MemoryStoreRun>(
    "bench/scenarios/memory-store.deno.mts",
    ["bounded", String(defaultMemoryStoreMaxBytes), writes],
    180_000,
  );
  context.progress.note(describeRun(bounded));
  const boundedHeap = await runDenoScript<MemoryStoreRun>(
    "bench/scenarios/memory-store.deno.mts",
    ["bounded", String(defaultMemoryStoreMaxBytes), writes],
    180_000,
    boundedHeapV8Flags,
  );
  context.progress.note(`${describeRun(boundedHeap)} (V8 ${boundedHeapV8Flags.join(" ")})`);
  if (context.scale < 1) return { bounded, boundedHeap };
  const previous = await runDenoScript<MemoryStoreRun>(
    "bench/scenarios/memory-store.deno.mts",
    ["previous", "0", writes],
    180_000,
  );
  context.progress.note(describeRun(previous));
  return { bounded, boundedHeap, previous };
}
