import { describe, expect, it } from "vitest";
import { FakeClock } from "../test/fake-clock.ts";
import { IdleTimer } from "./idle-timer.ts";

function timer(idleMs = 1000): { clock: FakeClock; timer: IdleTimer; stalls: () => number } {
  const clock = new FakeClock();
  let stalls = 0;
  return { clock, timer: new IdleTimer(idleMs, () => (stalls += 1), clock), stalls: () => stalls };
}

describe("IdleTimer", () => {
  it("creates one timer for a stream whose reads all settle within the bound", () => {
    const { clock, timer: idle } = timer(1000);
    for (let read = 0; read < 1000; read += 1) {
      idle.waitStarted();
      clock.advance(0.5);
      idle.waitEnded();
    }
    expect(clock.created).toBe(1);
  });

  it("reports a wait longer than the bound, once", () => {
    const { clock, timer: idle, stalls } = timer(1000);
    idle.waitStarted();
    clock.advance(5000);
    expect(stalls()).toBe(1);
  });

  it("reports a stall exactly the bound after the wait began, though the timer was armed earlier", () => {
    const { clock, timer: idle, stalls } = timer(1000);
    idle.waitStarted();
    clock.advance(600);
    idle.waitEnded();
    idle.waitStarted();
    clock.advance(999);
    const before = stalls();
    clock.advance(1);
    expect([before, stalls()]).toEqual([0, 1]);
  });

  it("does not count time when no read is in progress (a client that is not reading)", () => {
    const { clock, timer: idle, stalls } = timer(1000);
    idle.waitStarted();
    idle.waitEnded();
    clock.advance(10_000);
    idle.waitStarted();
    clock.advance(500);
    expect(stalls()).toBe(0);
  });

  it("leaves no timer behind once stopped", () => {
    const { clock, timer: idle } = timer(1000);
    idle.waitStarted();
    idle.stop();
    idle.waitStarted();
    expect([clock.pending, clock.created]).toEqual([0, 1]);
  });
});
