import { createLogger } from "../../_shared/logger.ts";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { SharedBreaker } from "../resilience/breaker.ts";
import { Budget } from "../spend/budget.ts";
import type { ExecutorDependencies, RequestScope } from "../resilience/execute-candidates.ts";
import { GatewayMetrics } from "../telemetry/gateway-metrics.ts";
import { noopTracer } from "../telemetry/tracing.ts";

/** Real breaker, budget and metrics over a memory store, with small timings for tests. */
export function executorHarness(
  overrides: Partial<ExecutorDependencies> & {
    capUsd?: number;
    store?: Store;
    threshold?: number;
  } = {},
): ExecutorDependencies & { store: Store; logLines: string[] } {
  const store = overrides.store ?? new MemoryStore();
  const metrics = new GatewayMetrics();
  const logLines: string[] = [];
  return {
    breaker: new SharedBreaker(store, {
      threshold: overrides.threshold ?? 5,
      halfOpenAfterMs: 60_000,
      probeTimeoutMs: 1000,
    }),
    budget: new Budget(store, { capUsd: overrides.capUsd }),
    metrics,
    tracer: noopTracer,
    logger: createLogger({
      level: "debug",
      redact: (text) => text,
      write: (line) => logLines.push(line),
    }),
    attemptTimeoutMs: 200,
    maxRetries: 2,
    retryBaseMs: 1,
    requestDeadlineMs: 2000,
    ...overrides,
    store,
    logLines,
  };
}

/** A request scope with its own deadline and an abort controller standing for the client. */
export function requestScope(deadlineMs = 2000): RequestScope & { client: AbortController } {
  const client = new AbortController();
  const deadlineSignal = AbortSignal.timeout(deadlineMs);
  return {
    client,
    signal: AbortSignal.any([client.signal, deadlineSignal]),
    deadlineSignal,
    deadlineAt: Date.now() + deadlineMs,
    requestId: "test",
    span: undefined,
  };
}
