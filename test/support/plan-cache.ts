// Plans are the suite's most expensive set-up: each one loads the whole program in a child
// process. Test files (in separate vitest workers) share them through a folder the global set-up
// creates for the run: one run per distinct command, and a limit on how many run at once across
// the whole suite, so that a busy machine is not also asked to thrash.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { withDirectoryLock } from "../../functions/bundle/directory-lock";

/** The variable naming the run's shared plan folder; set by plan-cache-setup.ts. */
export const planCacheVariable = "PLATFORM_TEST_PLAN_CACHE";

/**
 * How many plans may run at once across the suite: `TEST_PLAN_CONCURRENCY`, else one per core.
 * @default availableParallelism()
 */
export function planConcurrency(environment: Readonly<Record<string, string | undefined>>): number {
  const configured = Number.parseInt(environment["TEST_PLAN_CONCURRENCY"] ?? "", 10);
  return configured > 0 ? configured : availableParallelism();
}

const pollMs = 100;

/**
 * Computes `compute()` once per `key` across every process sharing `directory`; the others wait
 * for it and read the stored result. The result must survive JSON.
 */
export async function computeOnce<Result>(
  directory: string,
  key: string,
  compute: () => Promise<Result>,
): Promise<Result> {
  const resultFile = join(directory, `${key}.json`);
  return withDirectoryLock(
    join(directory, key),
    async () => {
      const stored = await readFile(resultFile, "utf8").catch(() => undefined);
      if (stored !== undefined) return JSON.parse(stored) as Result;
      const result = await compute();
      const partial = `${resultFile}.partial-${process.pid}`;
      await writeFile(partial, JSON.stringify(result));
      await rename(partial, resultFile);
      return result;
    },
    { pollMs },
  );
}

/**
 * Runs `work` in one of `slots` places shared through `directory`, waiting for a free one; a
 * place held by a process that no longer runs is freed.
 */
export async function inSlot<Result>(
  directory: string,
  slots: number,
  work: () => Promise<Result>,
): Promise<Result> {
  await mkdir(directory, { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    const slot = join(directory, `slot-${attempt % slots}`);
    const taken = await mkdir(slot).then(
      () => true,
      () => false,
    );
    if (taken) {
      try {
        await writeFile(join(slot, "owner"), String(process.pid));
        return await work();
      } finally {
        await rm(slot, { recursive: true, force: true });
      }
    }
    if (await ownerIsGone(slot)) {
      await rm(slot, { recursive: true, force: true });
    } else if (attempt % slots === slots - 1) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

async function ownerIsGone(slot: string): Promise<boolean> {
  const owner = Number(await readFile(join(slot, "owner"), "utf8").catch(() => "unknown"));
  if (!Number.isInteger(owner) || owner <= 0) return false;
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
