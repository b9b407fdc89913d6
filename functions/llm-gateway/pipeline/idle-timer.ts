/** The time source of an {@link IdleTimer}; tests pass one that counts or drives timers. */
export interface IdleClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `callback` once after `milliseconds`; returns a handle for {@link IdleClock.clearTimeout}. */
  setTimeout(callback: () => void, milliseconds: number): unknown;
  /** Cancels a pending callback. */
  clearTimeout(handle: unknown): void;
}

/** `performance.now()` and the global timers. */
export const systemClock: IdleClock = {
  now: () => performance.now(),
  setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Bounds the silence of an upstream stream with one timer per stream rather than one per chunk: a
 * chunk only stamps the time (`waitStarted`/`waitEnded`); when the timer fires it compares the
 * wait in progress with the bound and either reports the stall or re-arms itself for the rest.
 * A stream shorter than the bound therefore creates exactly one timer, a longer one one per
 * `idleMs`. Time the client spends not reading (no wait in progress) never counts as silence.
 */
export class IdleTimer {
  private handle: unknown;
  private armed = false;
  private stopped = false;
  /** When the read in progress started, or -1 when no read is in progress. */
  private waitingSince = -1;

  constructor(
    /** The longest wait for the next piece of the stream. */
    private readonly idleMs: number,
    /** Called once when a wait exceeds `idleMs`. */
    private readonly onIdle: () => void,
    private readonly clock: IdleClock = systemClock,
  ) {}

  /** A read of the upstream starts. */
  waitStarted(): void {
    if (this.stopped) return;
    this.waitingSince = this.clock.now();
    if (!this.armed) this.arm(this.idleMs);
  }

  /** The read settled. */
  waitEnded(): void {
    this.waitingSince = -1;
  }

  /** Ends the timer for good (the stream finished, failed or was cancelled). */
  stop(): void {
    this.stopped = true;
    if (this.armed) {
      this.armed = false;
      this.clock.clearTimeout(this.handle);
    }
  }

  private arm(milliseconds: number): void {
    this.armed = true;
    this.handle = this.clock.setTimeout(this.fire, milliseconds);
  }

  private readonly fire = (): void => {
    this.armed = false;
    if (this.stopped || this.waitingSince < 0) return;
    const waited = this.clock.now() - this.waitingSince;
    if (waited >= this.idleMs) {
      this.stopped = true;
      this.onIdle();
    } else this.arm(this.idleMs - waited);
  };
}
