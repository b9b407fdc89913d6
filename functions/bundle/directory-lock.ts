// One writer at a time per artifact folder, across processes. The staging and production plans,
// started together in a fresh checkout, both bundle the gateway into dist/functions/<name>/ and
// archive it: without the lock one removed the folder while the other was copying it, and that
// plan exited 1.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";

/** Options of {@link withDirectoryLock}. */
export interface DirectoryLockOptions {
  /**
   * How long to wait between attempts to take a lock another process holds, in milliseconds.
   * @default 50
   */
  pollMs?: number;
  /**
   * A lock whose owner never recorded its process id is taken over after this many milliseconds
   * (the owner died between creating the lock and writing its id).
   * @default 30000
   */
  abandonedAfterMs?: number;
}

const ownerFileName = "owner";

/**
 * Runs `work` while holding `<directory>.lock` (a folder: `mkdir` is atomic on every file system
 * Node supports). A lock left by a process that no longer runs is taken over, so a killed build
 * never blocks the next one.
 */
export async function withDirectoryLock<Result>(
  directory: string,
  work: () => Promise<Result>,
  options: DirectoryLockOptions = {},
): Promise<Result> {
  const lock = `${directory}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await isAbandoned(lock, options.abandonedAfterMs ?? 30_000)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
    }
  }
  try {
    await writeFile(path.join(lock, ownerFileName), String(process.pid));
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function isAbandoned(lock: string, abandonedAfterMs: number): Promise<boolean> {
  const owner = await readFile(path.join(lock, ownerFileName), "utf8").catch(() => undefined);
  if (owner === undefined) {
    const created = await stat(lock).then(
      (status) => status.mtimeMs,
      () => undefined,
    );
    // Gone already (released): not abandoned, the next attempt takes it.
    return created !== undefined && Date.now() - created > abandonedAfterMs;
  }
  return !isRunning(Number(owner));
}

function isRunning(processId: number): boolean {
  if (!Number.isInteger(processId) || processId <= 0) return false;
  try {
    process.kill(processId, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
