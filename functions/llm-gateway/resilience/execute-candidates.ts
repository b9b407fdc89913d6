import {
  DelegateBackoff,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  type IRetryBackoffContext,
} from "cockatiel";
import type { Logger } from "../../_shared/logger.ts";
import { genAi, withSpan } from "../telemetry/spans.ts";
import type { SharedBreaker } from "./breaker.ts";
import type { Budget, Reservation } from "../spend/budget.ts";
import {
  AllCandidatesFailedError,
  AttemptAbortedError,
  BudgetExceededError,
  DeadlineExceededError,
  isAttemptAbortedError,
  isClientFaultStatus,
  isProviderAuthStatus,
  UpstreamClientError,
  isBreakerOpenError,
  isUpstreamError,
  isUpstreamHttpError,
  ProvidersUnavailableError,
  UpstreamNetworkError,
  UpstreamTimeoutError,
  type UpstreamError,
} from "../errors.ts";
import type { GatewayMetrics } from "../telemetry/gateway-metrics.ts";
import type { AttemptContext } from "../providers/provider.ts";
import type { Candidate, Route } from "./routing.ts";
import { formatTraceparent, type SpanContext, type Tracer } from "../telemetry/tracing.ts";

/** The long-lived parts the candidate loop uses. */
export interface ExecutorDependencies {
  /** Per-provider circuit breaker (shared through the store when there is one). */
  breaker: SharedBreaker;
  /** Daily cap reservations. */
  budget: Budget;
  /** Attempt outcomes are counted here. */
  metrics: GatewayMetrics;
  /** A client span per attempt. */
  tracer: Tracer;
  /** `candidate_failed` lines. */
  logger: Logger;
  /** `LLM_ATTEMPT_TIMEOUT_MS`. */
  attemptTimeoutMs: number;
  /** `LLM_MAX_RETRIES`. */
  maxRetries: number;
  /** `LLM_RETRY_BASE_MS`. */
  retryBaseMs: number;
  /** `LLM_REQUEST_DEADLINE_MS`, for the 504 message. */
  requestDeadlineMs: number;
  /** Told about unexpected upstream errors (untranslatable answers), e.g. to report them to Sentry. */
  reportError?: (error: Error, scope: RequestScope) => void;
  /**
   * The GenAI operation of the attempts (`gen_ai.operation.name`), which also names their spans,
   * e.g. `embeddings text-embedding-3-small`.
   * @default "chat"
   */
  operation?: "chat" | "embeddings";
}

/** One request's view of time and cancellation. */
export interface RequestScope {
  /** Aborts when the client goes away or the deadline passes. */
  signal: AbortSignal;
  /** Aborts when the deadline passes. */
  deadlineSignal: AbortSignal;
  /** Epoch milliseconds of the deadline. */
  deadlineAt: number;
  /** Request id, for logs. */
  requestId: string;
  /** Parent of the attempt spans. */
  span: SpanContext | undefined;
}

/** A candidate that answered. */
export interface ExecutionResult<T> {
  /** What the attempt returned. */
  value: T;
  /** Who answered. */
  candidate: Candidate;
  /** Upstream attempts made for this request, over all candidates. */
  attempts: number;
  /** The budget reservation to settle with the actual cost. */
  reservation: Reservation;
}

/** OpenAI's error code for a provider's client-fault status, when its body named none. */
function clientFaultCode(status: number): string {
  switch (status) {
    case 404:
      return "model_not_found";
    case 413:
      return "request_too_large";
    case 422:
      return "unprocessable_entity";
    default:
      return "invalid_request_error";
  }
}

/** Counts attempts across candidates; read by the response headers even when everything failed. */
export interface AttemptCounter {
  /** Upstream attempts so far (breaker refusals excluded). */
  attempts: number;
}

function outcomeOf(error: UpstreamError): string {
  if (isUpstreamHttpError(error)) return `http_${error.status}`;
  switch (error.name) {
    case "UpstreamNetworkError":
      return "network_error";
    case "UpstreamTimeoutError":
      return "timeout";
    case "UpstreamProtocolError":
      return "protocol_error";
    case "AttemptAbortedError":
      return "aborted";
    default:
      return "error";
  }
}

function jitteredDelay(baseMs: number, retry: number): number {
  // "Equal jitter": half fixed, half random, so retries spread out but never collapse to zero.
  const ceiling = baseMs * 2 ** (retry - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Tries the route's candidates in order. For each: reserve budget, then (per attempt) breaker ->
 * timeout -> provider call, retried by cockatiel with exponential backoff and jitter or the
 * provider's Retry-After; a candidate whose retries are exhausted (or whose breaker is open) gives
 * way to the next. Aborts (client gone, deadline) are never retried.
 * @throws DeadlineExceededError (504), BudgetExceededError (429), ProvidersUnavailableError (503)
 *   or AllCandidatesFailedError (502) listing what was tried.
 */
export async function executeCandidates<T>(
  dependencies: ExecutorDependencies,
  route: Route,
  scope: RequestScope,
  estimateCost: (candidate: Candidate) => number,
  attempt: (candidate: Candidate, context: AttemptContext) => Promise<T>,
  counter: AttemptCounter = { attempts: 0 },
  scrub: (text: string) => string = (text) => text,
): Promise<ExecutionResult<T>> {
  const failures: string[] = [];
  let budgetRefusals = 0;
  let breakerRefusals = 0;
  const attemptTimeout = timeout(dependencies.attemptTimeoutMs, {
    strategy: TimeoutStrategy.Cooperative,
    abortOnReturn: false,
  });
  const retryPolicy = retry(
    handleWhen((error) => {
      if (!isUpstreamError(error) || !error.retryable || scope.signal.aborted) return false;
      // A Retry-After that runs past the deadline is better spent on the next candidate.
      const wait = isUpstreamHttpError(error) ? (error.retryAfterMs ?? 0) : 0;
      return Date.now() + wait < scope.deadlineAt;
    }),
    {
      maxAttempts: dependencies.maxRetries,
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        const error = "error" in context.result ? context.result.error : undefined;
        const requested = isUpstreamHttpError(error) ? error.retryAfterMs : undefined;
        const delay = requested ?? jitteredDelay(dependencies.retryBaseMs, context.attempt);
        return Math.max(0, Math.min(delay, scope.deadlineAt - Date.now()));
      }),
    },
  );

  for (const candidate of route.candidates) {
    if (scope.signal.aborted) break;
    const reservation = await withSpan(dependencies.tracer, "Budget", scope.span, () =>
      dependencies.budget.reserve(
        estimateCost(candidate),
        (candidate.tier ?? route.tier).expensive,
      ),
    );
    if (!reservation) {
      budgetRefusals += 1;
      failures.push(
        `${candidate.provider}/${candidate.model}: over the daily budget (LLM_DAILY_CAP_USD)`,
      );
      continue;
    }
    let attemptsForCandidate = 0;
    try {
      const value = await retryPolicy.execute(async () => {
        if (scope.signal.aborted) throw new AttemptAbortedError(candidate.provider, "aborted");
        const permit = await dependencies.breaker.acquire(candidate.provider);
        attemptsForCandidate += 1;
        counter.attempts += 1;
        const operation = dependencies.operation ?? "chat";
        const span = dependencies.tracer.startSpan(
          `${operation} ${candidate.model}`,
          "client",
          scope.span,
        );
        span.setAttribute(genAi.operation, operation);
        span.setAttribute(genAi.provider, candidate.provider);
        span.setAttribute(genAi.requestModel, candidate.model);
        span.setAttribute("llm.attempt", counter.attempts);
        const headers: Record<string, string> = dependencies.tracer.enabled
          ? { traceparent: formatTraceparent(span) }
          : {};
        try {
          const result = await attemptTimeout.execute(
            (_context, signal) => attempt(candidate, { signal, headers }),
            scope.signal,
          );
          await dependencies.breaker.recordSuccess(permit);
          dependencies.metrics.attempts.increment({
            provider: candidate.provider,
            outcome: "success",
          });
          span.end();
          return result;
        } catch (caught) {
          let error: UpstreamError;
          if (isAttemptAbortedError(caught) && !scope.signal.aborted) {
            error = new UpstreamTimeoutError(
              candidate.provider,
              `no answer within LLM_ATTEMPT_TIMEOUT_MS (${dependencies.attemptTimeoutMs} ms)`,
            );
          } else if (isUpstreamError(caught)) {
            error = caught;
          } else if (scope.signal.aborted) {
            error = new AttemptAbortedError(candidate.provider, "aborted");
          } else {
            error = new UpstreamNetworkError(
              candidate.provider,
              caught instanceof Error ? caught.message : String(caught),
            );
          }
          // A provider answer the gateway cannot translate is a bug to look at, not an outage.
          if (error.name === "UpstreamProtocolError") dependencies.reportError?.(error, scope);
          if (error.countsForBreaker) await dependencies.breaker.recordFailure(permit);
          dependencies.metrics.attempts.increment({
            provider: candidate.provider,
            outcome: outcomeOf(error),
          });
          span.end(error.message);
          throw error;
        }
      }, scope.signal);
      return { value, candidate, attempts: counter.attempts, reservation };
    } catch (error) {
      await dependencies.budget.release(reservation);
      if (scope.signal.aborted) break;
      // The provider says the request is wrong: every other candidate would say so too, and the
      // client should see why instead of a 502 (which SDKs retry).
      if (
        isUpstreamHttpError(error) &&
        isClientFaultStatus(error.status) &&
        (error.status !== 404 || route.concrete)
      ) {
        dependencies.logger.info("client_error_from_provider", {
          requestId: scope.requestId,
          provider: candidate.provider,
          model: candidate.model,
          status: error.status,
          reason: scrub(error.message),
        });
        throw new UpstreamClientError(
          error.status,
          `${candidate.provider} refused the request: ${scrub(error.message)}`,
          error.providerCode ?? clientFaultCode(error.status),
          error.providerParam,
        );
      }
      if (isUpstreamHttpError(error) && isProviderAuthStatus(error.status)) {
        dependencies.logger.error("provider_auth_failed", {
          requestId: scope.requestId,
          provider: candidate.provider,
          model: candidate.model,
          status: error.status,
          hint: `the gateway's API key for ${candidate.provider} is missing, wrong or lacks permission`,
        });
      }
      if (isBreakerOpenError(error) && attemptsForCandidate === 0) {
        breakerRefusals += 1;
        failures.push(`${candidate.provider}/${candidate.model}: circuit breaker open`);
      } else {
        const message = scrub(error instanceof Error ? error.message : String(error));
        failures.push(
          `${candidate.provider}/${candidate.model}: ${message}${attemptsForCandidate > 1 ? ` (after ${attemptsForCandidate} attempts)` : ""}`,
        );
      }
      // An open breaker is the expected state during an outage: not worth a warning per request.
      const log =
        isBreakerOpenError(error) && attemptsForCandidate === 0
          ? dependencies.logger.debug
          : dependencies.logger.warn;
      log("candidate_failed", {
        requestId: scope.requestId,
        provider: candidate.provider,
        model: candidate.model,
        attempts: attemptsForCandidate,
        reason: scrub(error instanceof Error ? error.message : String(error)),
      });
    }
  }

  if (scope.deadlineSignal.aborted) throw new DeadlineExceededError(dependencies.requestDeadlineMs);
  if (scope.signal.aborted)
    throw new AttemptAbortedError("client", "the client closed the request");
  const tried = failures.join("; ");
  if (failures.length > 0 && budgetRefusals === failures.length) {
    throw new BudgetExceededError(`The daily spend cap is reached: no candidate fits (${tried}).`);
  }
  if (failures.length > 0 && breakerRefusals + budgetRefusals === failures.length) {
    throw new ProvidersUnavailableError(`Every candidate's provider is unavailable: ${tried}.`);
  }
  throw new AllCandidatesFailedError(`Every candidate failed: ${tried}.`);
}
