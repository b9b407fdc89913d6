// Quick jobs (`"mode": "quick"`, docs/jobs.md): the gateway runs the job itself right after the
// `202`, as background work (`EdgeRuntime.waitUntil` on Supabase, a tracked task under
// `npm start`), for at most `JOB_QUICK_TIME_BUDGET_MS`. Each step is a chat completion request the
// gateway answers in-process through its whole pipeline (cache, breakers, budget, ledger), with
// the submitting caller's own credentials. The job holds each step under a lease that ends shortly
// after the bound: what is not done by then — the bound passed, the isolate was stopped, a step
// must wait for its retry — stays in the table for the job worker, and nothing is lost.
import { createGatewayStepExecutor } from "../../_shared/jobs/gateway-step-executor.ts";
import { runQuickJob } from "../../_shared/jobs/job-runner.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { internalDispatchOf } from "./internal-dispatch.ts";

/** The base URL of in-process requests; never resolved, only routed by the gateway's handler. */
const internalGatewayUrl = "http://llm-gateway.internal";

/** The submission's headers a step request carries: who the caller is, and its cache scope. */
const callerHeaderNames = ["authorization", "x-api-key", "x-user-id", "x-llm-cache-scope"];

/**
 * Aborted when the platform is about to stop the isolate (Supabase's Edge Runtime dispatches
 * `beforeunload` when a worker reaches its wall-clock or resource limit), so a quick job releases
 * its step at once instead of leaving it to its lease.
 */
let shutdown: AbortController | undefined;
function shutdownSignal(): AbortSignal {
  if (shutdown === undefined) {
    const controller = new AbortController();
    shutdown = controller;
    globalThis.addEventListener?.("beforeunload", () => controller.abort(), { once: true });
  }
  return shutdown.signal;
}

/** Options of {@link startQuickJob}. */
export interface QuickJobStart {
  /** The submission request, whose credentials the steps use. */
  request: Request;
  /** The job just created. */
  jobId: string;
  /** The submission's request id, for the log lines. */
  requestId: string;
}

/**
 * Starts a quick job in the background and returns at once. Without a job store or a registered
 * handler (nothing to run it with), the job is simply left to the worker.
 * @returns the background work, settled when the job finished or was handed over (tests await it).
 */
export function startQuickJob(runtime: GatewayRuntime, start: QuickJobStart): Promise<void> {
  const store = runtime.jobs;
  const dispatch = internalDispatchOf(runtime);
  if (store === undefined || dispatch === undefined) return Promise.resolve();
  const headers: Record<string, string> = {};
  for (const name of callerHeaderNames) {
    const value = start.request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const budgetMs = runtime.config.jobQuickTimeBudgetMs;
  const execute = createGatewayStepExecutor({
    gatewayUrl: internalGatewayUrl,
    headers,
    // The time bound stops a step; this only keeps a step from outliving it by much.
    timeoutMs: budgetMs + 1_000,
    fetch: (input, init) => dispatch(new Request(input, init)),
  });
  const work = runQuickJob({
    store,
    execute,
    jobId: start.jobId,
    timeBudgetMs: budgetMs,
    owner: `llm-gateway:quick:${start.requestId}`,
    signal: shutdownSignal(),
    log: runtime.logger,
    metrics: runtime.jobMetrics,
  }).then(
    (result) => {
      if (result.status === "finished") {
        runtime.logger.info("job_quick_finished", {
          requestId: start.requestId,
          job: start.jobId,
          status: result.jobStatus,
        });
      }
    },
    (error: unknown) =>
      runtime.logger.error("job_quick_failed", {
        requestId: start.requestId,
        job: start.jobId,
        error,
      }),
  );
  const settled = work.finally(() => runtime.observability.sharedMetrics.touch());
  runtime.background.run(settled);
  return settled;
}
