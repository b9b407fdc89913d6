import { describe, expect, it } from "vitest";
import {
  AllCandidatesFailedError,
  AttemptAbortedError,
  BreakerOpenError,
  BudgetExceededError,
  InvalidRequestError,
  isAllCandidatesFailedError,
  isBudgetExceededError,
  isGatewayError,
  isRetryableStatus,
  isUpstreamHttpError,
  UpstreamHttpError,
  UpstreamNetworkError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
} from "./errors.ts";

describe("retry classification", () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 529])("retries HTTP %i", (status) => {
    expect(isRetryableStatus(status)).toBe(true);
    expect(new UpstreamHttpError("openai", status, "x").retryable).toBe(true);
  });

  it.each([400, 401, 403, 404, 413, 422])("does not retry HTTP %i", (status) => {
    expect(new UpstreamHttpError("openai", status, "x").retryable).toBe(false);
  });

  it("retries network errors", () => {
    expect(new UpstreamNetworkError("openai", "ECONNREFUSED").retryable).toBe(true);
  });

  it("never retries aborts, timeouts, protocol errors or an open breaker", () => {
    expect(new AttemptAbortedError("openai", "aborted").retryable).toBe(false);
    expect(new UpstreamTimeoutError("openai", "slow").retryable).toBe(false);
    expect(new UpstreamProtocolError("openai", "bad json").retryable).toBe(false);
    expect(new BreakerOpenError("openai").retryable).toBe(false);
  });

  it("counts auth failures against the breaker but not bad requests", () => {
    expect(new UpstreamHttpError("openai", 401, "x").countsForBreaker).toBe(true);
    expect(new UpstreamHttpError("openai", 400, "x").countsForBreaker).toBe(false);
  });

  it("does not count aborts against the breaker", () => {
    expect(new AttemptAbortedError("openai", "aborted").countsForBreaker).toBe(false);
  });
});

describe("client errors", () => {
  it("render OpenAI's error shape with param", () => {
    expect(
      new InvalidRequestError('Invalid "messages".', "invalid_value", "messages").toBody(),
    ).toEqual({
      error: {
        message: 'Invalid "messages".',
        type: "invalid_request_error",
        code: "invalid_value",
        param: "messages",
      },
    });
  });

  it("have stable names and guards that tell them apart", () => {
    const budget = new BudgetExceededError("cap");
    expect(budget.name).toBe("BudgetExceededError");
    expect(budget.status).toBe(429);
    expect(isBudgetExceededError(budget)).toBe(true);
    expect(isAllCandidatesFailedError(budget)).toBe(false);
    expect(isAllCandidatesFailedError(new AllCandidatesFailedError("all"))).toBe(true);
  });

  it("guards reject plain errors and upstream errors", () => {
    expect(isGatewayError(new Error("x"))).toBe(false);
    expect(isGatewayError(new UpstreamHttpError("openai", 500, "x"))).toBe(false);
    expect(isUpstreamHttpError(new UpstreamHttpError("openai", 500, "x"))).toBe(true);
  });
});
