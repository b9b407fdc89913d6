/**
 * Work that may finish after the response (cache stores, ledger rows, the spend alert). On
 * Supabase's Edge Runtime it goes to `EdgeRuntime.waitUntil`, which keeps the worker alive until
 * it settles; elsewhere (`npm run gateway`, `npm start`, tests) it is tracked here, so a graceful
 * shutdown can wait for it. A task never rejects into the caller: failures are the task's own.
 */
export interface BackgroundTasks {
  /** Runs `task` past the response. */
  run(task: Promise<unknown>): void;
  /** Tasks not settled yet (local only). */
  readonly pending: number;
  /** Resolves once every tracked task has settled, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

interface EdgeRuntimeGlobal {
  EdgeRuntime?: { waitUntil?: (promise: Promise<unknown>) => void };
}

/** Creates the runner; `waitUntil` defaults to Supabase's when the global exists. */
export function createBackgroundTasks(
  waitUntil: ((promise: Promise<unknown>) => void) | undefined = (
    globalThis as EdgeRuntimeGlobal
  ).EdgeRuntime?.waitUntil?.bind((globalThis as EdgeRuntimeGlobal).EdgeRuntime),
): BackgroundTasks {
  const tracked = new Set<Promise<unknown>>();
  return {
    run(task) {
      const settled = task.then(
        () => undefined,
        () => undefined,
      );
      tracked.add(settled);
      void settled.then(() => tracked.delete(settled));
      waitUntil?.(settled);
    },
    get pending() {
      return tracked.size;
    },
    async drain(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all([...tracked]), timeout]);
      clearTimeout(timer);
    },
  };
}
