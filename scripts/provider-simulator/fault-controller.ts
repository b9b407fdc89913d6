import type { Fault, ProviderName } from "./types";

/**
 * Decides which fault, if any, the next request to a provider gets. Queued faults are consumed one
 * per request, in order, before the persistent fault applies.
 */
export class FaultController {
  private readonly queues: Record<ProviderName, Fault[]> = {
    openai: [],
    anthropic: [],
    gemini: [],
  };
  private readonly persistent: Partial<Record<ProviderName, Fault>> = {};

  /** Queues one-shot faults: each is applied to exactly one future request to `provider`. */
  enqueue(provider: ProviderName, ...faults: Fault[]): void {
    this.queues[provider].push(...faults);
  }

  /** Applies `fault` to every request to `provider` until cleared; `undefined` clears it. */
  setPersistent(provider: ProviderName, fault: Fault | undefined): void {
    if (fault === undefined) delete this.persistent[provider];
    else this.persistent[provider] = fault;
  }

  /** Removes queued and persistent faults of one provider, or of all when none is named. */
  clear(provider?: ProviderName): void {
    const providers: ProviderName[] = provider ? [provider] : ["openai", "anthropic", "gemini"];
    for (const name of providers) {
      this.queues[name].length = 0;
      delete this.persistent[name];
    }
  }

  /** How many queued faults of `provider` are still waiting for a request. */
  pending(provider: ProviderName): number {
    return this.queues[provider].length;
  }

  /** Takes the fault for the request that just arrived. */
  next(provider: ProviderName): Fault | undefined {
    return this.queues[provider].shift() ?? this.persistent[provider];
  }
}
