import { describe, expect, it } from "vitest";
import { isInvalidRequestError, isRequestTimeoutError } from "../errors.ts";
import { jsonDepth, maxJsonDepth, readJsonBody } from "./read-body.ts";

const limits = { maxBytes: 10_000, timeoutMs: 50 };

function jsonRequest(body: BodyInit): Request {
  return new Request("http://gateway.test/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

describe("jsonDepth", () => {
  it("counts nested arrays and objects", () => {
    expect(jsonDepth('{"a":[{"b":[1]}]}')).toBe(4);
  });

  it("ignores brackets inside strings", () => {
    expect(jsonDepth('{"a":"[[[{{{\\"]]]"}')).toBe(1);
  });
});

describe("readJsonBody", () => {
  it(`refuses a body nested deeper than ${maxJsonDepth} levels`, async () => {
    const deep = `${"[".repeat(maxJsonDepth + 1)}${"]".repeat(maxJsonDepth + 1)}`;
    await expect(readJsonBody(jsonRequest(deep), limits)).rejects.toSatisfy(isInvalidRequestError);
  });

  it("gives up on a body that stops arriving", async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"model":'));
      },
    });
    await expect(readJsonBody(jsonRequest(stalled), limits)).rejects.toSatisfy(
      isRequestTimeoutError,
    );
  });
});
