import { describe, expect, it } from "vitest";
import { ServerSentEventTooLargeError } from "../../_shared/sse.ts";
import { ServerSentEventScanner } from "./sse-scanner.ts";

/** Feeds `pieces` to a scanner; returns the events and, per piece, whether it was verbatim. */
function scan(
  pieces: string[],
  maxEventBytes = 1000,
): { events: [string, string][]; verbatim: boolean[]; idle: boolean } {
  const scanner = new ServerSentEventScanner(maxEventBytes);
  const events: [string, string][] = [];
  const verbatim: boolean[] = [];
  for (const piece of pieces) {
    scanner.push(piece, { onEvent: (name, data) => events.push([name, data]) });
    verbatim.push(scanner.verbatim);
  }
  return { events, verbatim, idle: scanner.idle };
}

describe("ServerSentEventScanner", () => {
  it("cuts one-line data events out of a piece and reports the piece verbatim", () => {
    expect(scan(['data: {"a":1}\n\ndata:{"b":2}\n\n'])).toEqual({
      events: [
        ["message", '{"a":1}'],
        ["message", '{"b":2}'],
      ],
      verbatim: [true],
      idle: true,
    });
  });

  it("joins an event split across pieces, and does not call the joining piece verbatim", () => {
    const result = scan(['data: {"a"', ":1}\n\ndata: x\n\n"]);
    expect([result.events, result.verbatim]).toEqual([
      [
        ["message", '{"a":1}'],
        ["message", "x"],
      ],
      [true, false],
    ]);
  });

  it("finds a blank line split between two pieces", () => {
    expect(scan(["data: a\n", "\ndata: b\n\n"]).events).toEqual([
      ["message", "a"],
      ["message", "b"],
    ]);
  });

  it("reads CRLF line ends, also when CR and LF arrive in different pieces", () => {
    const result = scan(["data: a\r\n\r", "\ndata: b\r\n\r\n"]);
    expect([result.events, result.verbatim, result.idle]).toEqual([
      [
        ["message", "a"],
        ["message", "b"],
      ],
      [false, false],
      true,
    ]);
  });

  it("skips comments and reads event names and multi-line data", () => {
    const result = scan([": keep-alive\n\nevent: ping\ndata: one\ndata: two\n\n"]);
    expect([result.events, result.verbatim]).toEqual([[["ping", "one\ntwo"]], [false]]);
  });

  it("holds an incomplete event until its blank line", () => {
    expect(scan(["data: a\n\ndata: b"])).toMatchObject({ events: [["message", "a"]], idle: false });
  });

  it("throws when a pending event grows past maxEventBytes", () => {
    expect(() => scan(["data: 0123456789", "0123456789"], 20)).toThrow(
      ServerSentEventTooLargeError,
    );
  });
});
