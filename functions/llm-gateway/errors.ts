/**
 * Client-facing errors (rendered in OpenAI's error shape) and upstream errors (which drive retry,
 * breaker and fallback decisions). Every class has a stable `name`, a marker and an `isX()` guard
 * that works across module copies, because `instanceof` does not.
 */

const gatewayErrorMarker = Symbol.for("llm-gateway.GatewayError");
const upstreamErrorMarker = Symbol.for("llm-gateway.UpstreamError");

/** The OpenAI error body `{"error":{"message","type","code","param"}}`. */
export interface ErrorBody {
  /** What went wrong; `param` names the request member at fault, or null. */
  error: { message: string; type: string; code: string; param?: string | null };
}

/** Base of every error answered to the client with an HTTP status. */
export abstract class GatewayError extends Error {
  readonly [gatewayErrorMarker] = true;
  /** HTTP status of the response. */
  abstract readonly status: number;
  /** OpenAI error `type`. */
  abstract readonly type: string;

  constructor(
    message: string,
    /** OpenAI error `code`, stable and machine-readable. */
    readonly code: string,
    /** The request member at fault, when there is one. */
    readonly param?: string,
    /** Extra response headers (e.g. `retry-after`, `allow`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The response body. */
  toBody(): ErrorBody {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param ?? null },
    };
  }
}

/** Guard for {@link GatewayError}. */
export function isGatewayError(value: unknown): value is GatewayError {
  return typeof value === "object" && value !== null && gatewayErrorMarker in value;
}

function guardFor<T extends Error>(name: string): (value: unknown) => value is T {
  return (value: unknown): value is T => isGatewayError(value) && value.name === name;
}

/** 400: malformed JSON or a body that fails validation; `param` names the field path. */
export class InvalidRequestError extends GatewayError {
  override readonly name = "InvalidRequestError";
  readonly status = 400;
  readonly type = "invalid_request_error";
}
export const isInvalidRequestError = guardFor<InvalidRequestError>("InvalidRequestError");

/** 400: `model` names no tier and no model in `LLM_ROUTES`. */
export class ModelNotFoundError extends GatewayError {
  override readonly name = "ModelNotFoundError";
  readonly status = 400;
  readonly type = "invalid_request_error";
  constructor(message: string) {
    super(message, "model_not_found", "model");
  }
}
export const isModelNotFoundError = guardFor<ModelNotFoundError>("ModelNotFoundError");

/** 401: `GATEWAY_API_KEYS` is set and the request has no valid key. */
export class AuthenticationError extends GatewayError {
  override readonly name = "AuthenticationError";
  readonly status = 401;
  readonly type = "authentication_error";
  constructor(message: string) {
    super(message, "invalid_api_key", undefined, { "www-authenticate": "Bearer" });
  }
}
export const isAuthenticationError = guardFor<AuthenticationError>("AuthenticationError");

/** 404: no such route. */
export class RouteNotFoundError extends GatewayError {
  override readonly name = "RouteNotFoundError";
  readonly status = 404;
  readonly type = "invalid_request_error";
  constructor(path: string) {
    super(`Unknown route "${path}".`, "not_found");
  }
}
export const isRouteNotFoundError = guardFor<RouteNotFoundError>("RouteNotFoundError");

/** 405: the route exists for other methods. */
export class MethodNotAllowedError extends GatewayError {
  override readonly name = "MethodNotAllowedError";
  readonly status = 405;
  readonly type = "invalid_request_error";
  constructor(method: string, path: string, allowed: string) {
    super(
      `Method ${method} is not allowed on "${path}"; use ${allowed}.`,
      "method_not_allowed",
      undefined,
      { allow: allowed },
    );
  }
}
export const isMethodNotAllowedError = guardFor<MethodNotAllowedError>("MethodNotAllowedError");

/** 413: body over `GATEWAY_MAX_BODY_BYTES`. */
export class PayloadTooLargeError extends GatewayError {
  override readonly name = "PayloadTooLargeError";
  readonly status = 413;
  readonly type = "invalid_request_error";
  constructor(limitBytes: number) {
    super(
      `Request body is larger than GATEWAY_MAX_BODY_BYTES (${limitBytes} bytes).`,
      "request_too_large",
    );
  }
}
export const isPayloadTooLargeError = guardFor<PayloadTooLargeError>("PayloadTooLargeError");

/** 415: the body is not declared as JSON. */
export class UnsupportedMediaTypeError extends GatewayError {
  override readonly name = "UnsupportedMediaTypeError";
  readonly status = 415;
  readonly type = "invalid_request_error";
  constructor(contentType: string) {
    super(`Content-Type must be application/json, got "${contentType}".`, "unsupported_media_type");
  }
}
export const isUnsupportedMediaTypeError = guardFor<UnsupportedMediaTypeError>(
  "UnsupportedMediaTypeError",
);

/** 429: the caller exceeded `GATEWAY_RATE_LIMIT_PER_MINUTE`. */
export class RateLimitExceededError extends GatewayError {
  override readonly name = "RateLimitExceededError";
  readonly status = 429;
  readonly type = "rate_limit_error";
  constructor(limit: number, retryAfterSeconds: number) {
    super(
      `Rate limit of ${limit} requests per minute exceeded (GATEWAY_RATE_LIMIT_PER_MINUTE).`,
      "rate_limit_exceeded",
      undefined,
      {
        "retry-after": String(retryAfterSeconds),
      },
    );
  }
}
export const isRateLimitExceededError = guardFor<RateLimitExceededError>("RateLimitExceededError");

/** 429: no candidate fits in what is left of `LLM_DAILY_CAP_USD`. */
export class BudgetExceededError extends GatewayError {
  override readonly name = "BudgetExceededError";
  readonly status = 429;
  readonly type = "insufficient_quota";
  constructor(message: string) {
    super(message, "budget_exceeded");
  }
}
export const isBudgetExceededError = guardFor<BudgetExceededError>("BudgetExceededError");

/** 502: every candidate was tried and failed; the message lists each one and why. */
export class AllCandidatesFailedError extends GatewayError {
  override readonly name = "AllCandidatesFailedError";
  readonly status = 502;
  readonly type = "api_error";
  constructor(message: string) {
    super(message, "upstream_failed");
  }
}
export const isAllCandidatesFailedError = guardFor<AllCandidatesFailedError>(
  "AllCandidatesFailedError",
);

/** 503: every candidate's provider has an open circuit breaker. */
export class ProvidersUnavailableError extends GatewayError {
  override readonly name = "ProvidersUnavailableError";
  readonly status = 503;
  readonly type = "api_error";
  constructor(message: string) {
    super(message, "providers_unavailable");
  }
}
export const isProvidersUnavailableError = guardFor<ProvidersUnavailableError>(
  "ProvidersUnavailableError",
);

/** 504: `LLM_REQUEST_DEADLINE_MS` passed before an answer. */
export class DeadlineExceededError extends GatewayError {
  override readonly name = "DeadlineExceededError";
  readonly status = 504;
  readonly type = "api_error";
  constructor(deadlineMs: number) {
    super(`No answer within LLM_REQUEST_DEADLINE_MS (${deadlineMs} ms).`, "deadline_exceeded");
  }
}
export const isDeadlineExceededError = guardFor<DeadlineExceededError>("DeadlineExceededError");

/** 408: the request body did not arrive within `GATEWAY_BODY_TIMEOUT_MS` (e.g. a Content-Length larger than the body). */
export class RequestTimeoutError extends GatewayError {
  override readonly name = "RequestTimeoutError";
  readonly status = 408;
  readonly type = "invalid_request_error";
  constructor(message: string) {
    super(message, "request_timeout");
  }
}
export const isRequestTimeoutError = guardFor<RequestTimeoutError>("RequestTimeoutError");

/**
 * The provider said the request itself is wrong (400, 404 for a concrete model it does not know,
 * 413, 422): the client gets the provider's status and (redacted) message, with no fallback,
 * since every other candidate would refuse it too.
 */
export class UpstreamClientError extends GatewayError {
  override readonly name = "UpstreamClientError";
  readonly type = "invalid_request_error";
  constructor(
    /** The provider's status. */
    readonly status: number,
    message: string,
    code: string,
    param?: string,
  ) {
    super(message, code, param);
  }
}
export const isUpstreamClientError = guardFor<UpstreamClientError>("UpstreamClientError");

/** Base of failures of one upstream attempt. */
export abstract class UpstreamError extends Error {
  readonly [upstreamErrorMarker] = true;
  /** Whether another attempt at the same provider may succeed. */
  abstract readonly retryable: boolean;
  /** Whether this failure counts towards the provider's circuit breaker. */
  abstract readonly countsForBreaker: boolean;
  constructor(
    /** The provider that failed. */
    readonly provider: string,
    message: string,
  ) {
    super(message);
  }
}

/** Guard for {@link UpstreamError}. */
export function isUpstreamError(value: unknown): value is UpstreamError {
  return typeof value === "object" && value !== null && upstreamErrorMarker in value;
}

function upstreamGuardFor<T extends Error>(name: string): (value: unknown) => value is T {
  return (value: unknown): value is T => isUpstreamError(value) && value.name === name;
}

/** Statuses worth another attempt: timeouts, conflicts, rate limits, server errors, Anthropic's 529. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Statuses by which a provider says the request itself is wrong: another provider would refuse it
 * as well, so they go back to the client (404 only when the client named a concrete model).
 */
export function isClientFaultStatus(status: number): boolean {
  return status === 400 || status === 404 || status === 413 || status === 422;
}

/** 401/403 from a provider: the gateway's key for it is wrong or lacks permission. */
export function isProviderAuthStatus(status: number): boolean {
  return status === 401 || status === 403;
}

/** The provider answered with an error status (or an error event that maps to one). */
export class UpstreamHttpError extends UpstreamError {
  override readonly name = "UpstreamHttpError";
  readonly retryable: boolean;
  readonly countsForBreaker: boolean;
  constructor(
    provider: string,
    /** HTTP status (or the status an SSE error type maps to). */
    readonly status: number,
    message: string,
    /** Parsed Retry-After in milliseconds, already capped. */
    readonly retryAfterMs?: number,
  ) {
    super(provider, message);
    this.retryable = isRetryableStatus(status);
    // Auth and permission failures mean this provider is misconfigured: stop calling it.
    this.countsForBreaker = this.retryable || isProviderAuthStatus(status);
  }

  /** The provider's error `code`, when its body had one (e.g. "model_not_found"). */
  providerCode: string | undefined;
  /** The request member the provider blamed, when its body named one. */
  providerParam: string | undefined;
}
export const isUpstreamHttpError = upstreamGuardFor<UpstreamHttpError>("UpstreamHttpError");

/** The connection failed (refused, reset, DNS). */
export class UpstreamNetworkError extends UpstreamError {
  override readonly name = "UpstreamNetworkError";
  readonly retryable = true;
  readonly countsForBreaker = true;
}
export const isUpstreamNetworkError =
  upstreamGuardFor<UpstreamNetworkError>("UpstreamNetworkError");

/** No (first) answer within `LLM_ATTEMPT_TIMEOUT_MS`; not retried, the next candidate is tried. */
export class UpstreamTimeoutError extends UpstreamError {
  override readonly name = "UpstreamTimeoutError";
  readonly retryable = false;
  readonly countsForBreaker = true;
}
export const isUpstreamTimeoutError =
  upstreamGuardFor<UpstreamTimeoutError>("UpstreamTimeoutError");

/** The answer did not follow the wire format (malformed JSON, stream cut short). */
export class UpstreamProtocolError extends UpstreamError {
  override readonly name = "UpstreamProtocolError";
  readonly retryable = false;
  readonly countsForBreaker = true;
}
export const isUpstreamProtocolError =
  upstreamGuardFor<UpstreamProtocolError>("UpstreamProtocolError");

/** The provider's breaker is open (or another request holds the half-open probe). */
export class BreakerOpenError extends UpstreamError {
  override readonly name = "BreakerOpenError";
  readonly retryable = false;
  readonly countsForBreaker = false;
  constructor(provider: string) {
    super(provider, "circuit breaker open");
  }
}
export const isBreakerOpenError = upstreamGuardFor<BreakerOpenError>("BreakerOpenError");

/** The client went away or the deadline passed: never retried, never counted against a provider. */
export class AttemptAbortedError extends UpstreamError {
  override readonly name = "AttemptAbortedError";
  readonly retryable = false;
  readonly countsForBreaker = false;
}
export const isAttemptAbortedError = upstreamGuardFor<AttemptAbortedError>("AttemptAbortedError");

/** 499 (nginx's convention): the client went away before the answer; logged, never seen by it. */
export class ClientClosedRequestError extends GatewayError {
  override readonly name = "ClientClosedRequestError";
  readonly status = 499;
  readonly type = "api_error";
  constructor() {
    super("The client closed the request.", "client_closed_request");
  }
}
export const isClientClosedRequestError = guardFor<ClientClosedRequestError>(
  "ClientClosedRequestError",
);

/** 500: a bug in the gateway; the message stays generic, the log has the details. */
export class InternalGatewayError extends GatewayError {
  override readonly name = "InternalGatewayError";
  readonly status = 500;
  readonly type = "api_error";
  constructor() {
    super("Internal gateway error.", "internal_error");
  }
}
export const isInternalGatewayError = guardFor<InternalGatewayError>("InternalGatewayError");
