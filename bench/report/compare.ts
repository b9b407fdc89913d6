import type { BenchResults, TargetCheck } from "./results";

/** One figure compared with the previous run. */
export interface Comparison {
  /** Target id. */
  id: string;
  /** Description. */
  description: string;
  /** Previous value. */
  previous: number | null;
  /** This run's value. */
  current: number | null;
  /** Unit. */
  unit: string;
  /** current - previous, or null when either is missing. */
  change: number | null;
}

/** Pairs this run's target figures with the previous run's, by id. */
export function compareResults(
  previous: Pick<BenchResults, "targets"> | undefined,
  current: readonly TargetCheck[],
): Comparison[] {
  if (!previous) return [];
  const before = new Map(previous.targets.map((target) => [target.id, target]));
  return current.map((target) => {
    const old = before.get(target.id)?.value ?? null;
    return {
      id: target.id,
      description: target.description,
      previous: old,
      current: target.value,
      unit: target.unit,
      change: old === null || target.value === null ? null : target.value - old,
    };
  });
}
