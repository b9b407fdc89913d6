import type { IdleClock } from "../pipeline/idle-timer.ts";

/** An {@link IdleClock} whose time moves only when a test says so, counting the timers it makes. */
export class FakeClock implements IdleClock {
  private time = 0;
  private nextHandle = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  /** Timers created so far. */
  created = 0;

  /** The fake time, in milliseconds. */
  now(): number {
    return this.time;
  }

  /** Schedules `callback` at now + `milliseconds`, counted in {@link created}. */
  setTimeout(callback: () => void, milliseconds: number): unknown {
    this.created += 1;
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + milliseconds, callback });
    return handle;
  }

  /** Drops a scheduled callback. */
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `milliseconds`, firing every timer that comes due, in order. */
  advance(milliseconds: number): void {
    const end = this.time + milliseconds;
    while (true) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}
