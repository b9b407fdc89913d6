/**
 * Collapses identical concurrent work: the first caller for a key leads, later callers await the
 * leader's result instead of calling upstream again. The entry is removed once the leader settles.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T | undefined>>();

  /** The leader's pending result for `key`, if one is running. */
  join(key: string): Promise<T | undefined> | undefined {
    return this.inflight.get(key);
  }

  /**
   * Registers the caller as leader for `key`; call the returned function with the result (or
   * undefined when the leader failed, so followers do the work themselves) exactly once.
   */
  lead(key: string): (result: T | undefined) => void {
    let resolve!: (result: T | undefined) => void;
    const promise = new Promise<T | undefined>((settle) => {
      resolve = settle;
    });
    this.inflight.set(key, promise);
    return (result) => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
      resolve(result);
    };
  }

  /** Number of keys in flight. */
  get size(): number {
    return this.inflight.size;
  }
}
