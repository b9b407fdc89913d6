import type { BenchContext } from "../lib/context";
import { runDenoScript } from "./deno-script";

/** Cache-key hashing at one body size, ms per operation (median of 15 batches), under Deno. */
export interface HashingFigures {
  /** UTF-8 bytes of the hashed text (scope, newline, canonical JSON). */
  bytes: number;
  /** `sha256Hex(`${scope}\n${canonicalJson(material)}`)`: what the gateway's cache key does today. */
  cacheKeyOldMs: number;
  /** `await canonicalSha256Hex(material, `${scope}\n`)`: canonical bytes and WebCrypto. */
  cacheKeyNewMs: number;
  /** `sha256Hex(text)` on the ready-made text (the pure-JS hash alone, with its encoding). */
  textOldMs: number;
  /** `await digestSha256Hex(text)` on the same text. */
  textNewMs: number;
}

/** What the hashing scenario measured. */
export interface HashingResult {
  /** Deno version that ran it. */
  deno: string;
  /** One row per size: about 1 KB, 100 KB and 1 MB. */
  sizes: HashingFigures[];
}

/** Times the cache key's hashing, old and new, at 1 KB, 100 KB and 1 MB, in a Deno process. */
export async function measureHashing(context: BenchContext): Promise<HashingResult> {
  const batchMs = context.scale < 1 ? 10 : 40;
  const result = await runDenoScript<HashingResult>(
    "bench/scenarios/hashing.deno.mts",
    [String(batchMs)],
    120_000,
  );
  for (const size of result.sizes) {
    context.progress.note(
      `${(size.bytes / 1024).toFixed(0)} KiB cache key: ${size.cacheKeyOldMs.toFixed(3)} ms -> ${size.cacheKeyNewMs.toFixed(3)} ms per op (text only: ${size.textOldMs.toFixed(3)} -> ${size.textNewMs.toFixed(3)} ms)`,
    );
  }
  return result;
}
