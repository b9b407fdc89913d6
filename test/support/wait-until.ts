/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /**
   * Give up after this many milliseconds.
   * @default 15000
   */
  timeoutMs?: number;
  /**
   * Pause between attempts, in milliseconds.
   * @default 50
   */
  intervalMs?: number;
  /** Named in the timeout error. */
  description: string;
}

/** Polls `check` until it returns true (exceptions count as false), or throws after the timeout. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: WaitUntilOptions,
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : "";
  throw new Error(
    `timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${options.description}${reason}`,
  );
}
