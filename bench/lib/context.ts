import type { HttpClient } from "./http-client";
import type { Progress } from "./progress";

/** What every scenario gets from `bench/main.ts`. */
export interface BenchContext {
  /** Progress output. */
  progress: Progress;
  /** The shared keep-alive client. */
  client: HttpClient;
  /** Scales every request count (1 for the full run, smaller for `--quick`). */
  scale: number;
}

/** `count` scaled for the run, never below `minimum`. */
export function scaled(context: BenchContext, count: number, minimum = 20): number {
  return Math.max(minimum, Math.round(count * context.scale));
}
