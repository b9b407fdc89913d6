import { describe, expect, it } from "vitest";
import { createRedactor, redactedMarker } from "./redact.ts";

const redact = createRedactor(["my-configured-secret-value"]);

describe("redactor", () => {
  it.each([
    ["an OpenAI key", "key sk-proj-AbCdEf0123456789xyz in text", "sk-proj-AbCdEf0123456789xyz"],
    ["an Anthropic key", "key sk-ant-api03-AbCdEf0123456789 here", "sk-ant-api03-AbCdEf0123456789"],
    ["a bearer token", "Authorization: Bearer abc.def-123456", "abc.def-123456"],
    ["a JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig-nature_x", "eyJhbGciOiJIUzI1NiJ9"],
    ["an e-mail address", "from jane.doe+test@example.co.uk today", "jane.doe+test@example.co.uk"],
    ["a URL password", "redis://default:hunter2secret@127.0.0.1:6379", "hunter2secret"],
    [
      "an Upstash-like token",
      "token AX3aASQgOTk1ZDA0ZTgtNmE2ZC00ZjA3LWJkMmUtYjg1ZWY5NzQ2ZjQ0",
      "AX3aASQgOTk1ZDA0ZTgtNmE2ZC00ZjA3LWJkMmUtYjg1ZWY5NzQ2ZjQ0",
    ],
    ["a configured secret", "value my-configured-secret-value.", "my-configured-secret-value"],
  ])("removes %s", (_kind, text, secret) => {
    const result = redact(text);
    expect(result).not.toContain(secret);
    expect(result).toContain(redactedMarker);
  });

  it("replaces values of secret-named JSON members whatever they look like", () => {
    expect(redact('{"authorization":"short","token":"x1"}')).toBe(
      `{"authorization":"${redactedMarker}","token":"${redactedMarker}"}`,
    );
  });

  it("redacts opaque tokens from 40 characters on, not shorter ones", () => {
    const token = "a1".repeat(20);
    expect(redact(`x ${token} y`)).toBe(`x ${redactedMarker} y`);
    expect(redact(`x ${token.slice(1)} y`)).toBe(`x ${token.slice(1)} y`);
  });

  it("leaves request ids, trace ids and ordinary words alone", () => {
    const text =
      '{"requestId":"3f1c2a7e-9b7d-4c1e-8f3a-2b9c1d0e4f5a","traceId":"0123456789abcdef0123456789abcdef","event":"request"}';
    expect(redact(text)).toBe(text);
  });
});
