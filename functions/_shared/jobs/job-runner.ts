// What a worker invocation and a quick job do with the store: claim a step, run it, record the
// outcome, and (for the worker) deliver due webhooks, within a time budget. A step's attempt is
// bounded by its lease, so a worker never keeps working on a step another worker may have claimed.
import type { StepExecutor } from "./gateway-step-executor.ts";
import type { JobMetrics, JobRunner } from "./job-metrics.ts";
import type { ClaimOutcome, JobStore, StepOutcome } from "./job-store.ts";
import type { ClaimedStep } from "./job-types.ts";
import type { WebhookSender } from "./webhook-sender.ts";

/** Receives one line per transition; `createLogger` from ../logger.ts fits. */
export interface JobLog {
  /** A step or webhook changed state. */
  info(event: string, fields?: Record<string, unknown>): void;
  /** An attempt failed, or the database was unavailable. */
  warn(event: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link runWorkerBatch}. */
export interface WorkerBatchOptions {
  /** The job store. */
  store: JobStore;
  /** Runs one step (the gateway executor in production). */
  execute: StepExecutor;
  /** Delivers webhooks; none are delivered without it. */
  sendWebhook?: WebhookSender;
  /** Who claims, recorded as the lease owner. @example "job-worker:8f14e45f" */
  owner: string;
  /**
   * No new step or delivery starts after this many milliseconds (one that started finishes).
   * @example 50000
   */
  timeBudgetMs: number;
  /**
   * Most steps per batch.
   * @default 10
   */
  maxSteps?: number;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Transition lines. */
  log?: JobLog;
  /** Counts attempts, retries, durations and webhooks (`llm_gateway_job_*`). */
  metrics?: JobMetrics;
}

/** What a batch did. */
export interface WorkerBatchReport {
  /** Steps claimed. */
  claimed: number;
  /** Steps completed. */
  completed: number;
  /** Attempts that failed and will be retried. */
  retried: number;
  /** Steps that failed for good (their jobs failed). */
  failed: number;
  /** Outcomes ignored because the lease was lost meanwhile. */
  ignored: number;
  /** Webhooks delivered. */
  webhooksDelivered: number;
  /** Webhook attempts that failed. */
  webhooksFailed: number;
  /** Why it stopped claiming steps. */
  stoppedBecause: "idle" | "time_budget" | "max_steps" | "unavailable";
}

/** Where an attempt's transition lines and figures go. */
interface Observers {
  runner: JobRunner;
  log: JobLog | undefined;
  metrics: JobMetrics | undefined;
  now: () => number;
}

/** Records an attempt's result; returns the store's outcome. */
async function recordAttempt(
  store: JobStore,
  step: ClaimedStep,
  result: Awaited<ReturnType<StepExecutor>>,
  observers: Observers,
  attemptStarted: number,
): Promise<StepOutcome> {
  const { log, runner } = observers;
  const outcome = result.ok
    ? await store.completeStep(step, result.output)
    : await store.failStep(step, result.error, { retryable: result.retryable });
  const durationMs = observers.now() - attemptStarted;
  observers.metrics?.recordAttempt(runner, outcome, durationMs);
  const fields = { job: step.jobId, step: step.index, attempt: step.attempt, runner, durationMs };
  if (result.ok) log?.info("job_step_completed", { ...fields, outcome: outcome.status });
  else log?.warn("job_step_failed", { ...fields, outcome: outcome.status, error: result.error });
  if (outcome.status === "completed" && outcome.jobStatus === "succeeded") {
    log?.info("job_succeeded", { job: step.jobId, steps: step.stepCount, runner });
  }
  if (outcome.status === "failed") {
    log?.warn("job_failed", {
      job: step.jobId,
      step: step.index,
      runner,
      error: result.ok ? "" : result.error,
    });
  }
  return outcome;
}

/** Logs and counts the jobs a claim failed because their last attempt's lease expired. */
function observeExpiredJobs(claim: ClaimOutcome, observers: Observers): void {
  if (claim.status === "unavailable" || claim.expiredJobs.length === 0) return;
  observers.metrics?.recordExpiredJobs(claim.expiredJobs.length);
  for (const job of claim.expiredJobs) {
    observers.log?.warn("job_failed", {
      job,
      runner: observers.runner,
      error: "the lease of the last attempt expired",
    });
  }
}

/** A signal aborted at `deadline` (ms since the epoch), by the clock of `now`. */
function signalUntil(deadline: number, now: () => number): AbortSignal {
  return AbortSignal.timeout(Math.max(1, deadline - now()));
}

/**
 * One worker invocation: claims and runs steps until the queue is idle, the time budget is spent or
 * `maxSteps` ran, then delivers due webhooks within what is left of the budget.
 */
export async function runWorkerBatch(options: WorkerBatchOptions): Promise<WorkerBatchReport> {
  const now = options.now ?? Date.now;
  const observers: Observers = {
    runner: "worker",
    log: options.log,
    metrics: options.metrics,
    now,
  };
  const started = now();
  const withinBudget = () => now() - started < options.timeBudgetMs;
  const maxSteps = options.maxSteps ?? 10;
  const report: WorkerBatchReport = {
    claimed: 0,
    completed: 0,
    retried: 0,
    failed: 0,
    ignored: 0,
    webhooksDelivered: 0,
    webhooksFailed: 0,
    stoppedBecause: "idle",
  };

  for (;;) {
    if (!withinBudget()) {
      report.stoppedBecause = "time_budget";
      break;
    }
    if (report.claimed >= maxSteps) {
      report.stoppedBecause = "max_steps";
      break;
    }
    const claim = await options.store.claimStep(options.owner);
    if (claim.status === "unavailable") {
      report.stoppedBecause = "unavailable";
      options.log?.warn("job_claim_unavailable");
      break;
    }
    observeExpiredJobs(claim, observers);
    if (claim.status === "none") break;
    const step = claim.step;
    report.claimed++;
    options.log?.info("job_step_claimed", {
      job: step.jobId,
      step: step.index,
      attempt: step.attempt,
    });
    const attemptStarted = now();
    const result = await options.execute(step, signalUntil(step.leaseExpiresAt, now));
    const outcome = await recordAttempt(options.store, step, result, observers, attemptStarted);
    if (outcome.status === "completed") report.completed++;
    else if (outcome.status === "retrying") report.retried++;
    else if (outcome.status === "failed") report.failed++;
    else if (outcome.status === "ignored") report.ignored++;
  }

  if (options.sendWebhook !== undefined) {
    while (withinBudget()) {
      const claim = await options.store.claimWebhook();
      if (claim.status !== "claimed") break;
      const delivery = await options.sendWebhook(claim.webhook);
      const outcome = await options.store.recordWebhook(claim.webhook, delivery);
      const fields = {
        job: claim.webhook.jobId,
        attempt: claim.webhook.attempt,
        outcome: outcome.status,
      };
      if (
        outcome.status === "delivered" ||
        outcome.status === "retrying" ||
        outcome.status === "failed"
      ) {
        options.metrics?.webhooks.increment({ outcome: outcome.status });
      }
      if (delivery.delivered) {
        report.webhooksDelivered++;
        options.log?.info("job_webhook_delivered", fields);
      } else {
        report.webhooksFailed++;
        options.log?.warn("job_webhook_failed", { ...fields, error: delivery.error });
      }
    }
  }
  return report;
}

/** Options of {@link runQuickJob}. */
export interface QuickJobOptions {
  /** The job store. */
  store: JobStore;
  /** Runs one step. */
  execute: StepExecutor;
  /** The job just submitted. */
  jobId: string;
  /**
   * How long the job may run inline, in milliseconds: the platform's bound on work after the
   * response (docs/jobs.md, "Quick jobs").
   * @example 15000
   */
  timeBudgetMs: number;
  /** The lease owner. @example "llm-gateway:quick" */
  owner: string;
  /**
   * How long a claim's lease outlives the time bound, in milliseconds. A step is released at the
   * bound; when that release cannot happen (the isolate was stopped, the database did not answer)
   * the worker takes the step over once the lease expires, this long after the bound.
   * @default 5000
   */
  leaseMarginMs?: number;
  /** Stops the job early, as the time bound does (e.g. the isolate is shutting down). */
  signal?: AbortSignal;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Transition lines. */
  log?: JobLog;
  /** Counts attempts, retries and durations (`runner="quick"`). */
  metrics?: JobMetrics;
}

/** How a quick job ended: all done, or left queued for the worker. */
export type QuickJobResult =
  | { status: "finished"; jobStatus: "succeeded" | "failed" }
  | {
      status: "handed_over";
      /**
       * `time_budget`: the bound passed (or the isolate is stopping); `retry_later`: a step waits
       * for its back-off, or the worker holds it; `taken_over`: the worker claimed the step after
       * this run's lease expired, and this run's result was ignored; `unavailable`: the database.
       */
      reason: "time_budget" | "retry_later" | "taken_over" | "unavailable";
    };

/**
 * Runs a job's steps inline (after the `202` response, under `EdgeRuntime.waitUntil` on Supabase)
 * until it is final or `timeBudgetMs` passes. Each claim's lease ends `leaseMarginMs` after the
 * bound. A step still running at the bound is stopped and released unharmed, so the worker picks
 * the job up on its next wake-up: nothing is lost. A step that fails and must wait before its retry
 * is also left to the worker, as is a step the worker claimed first.
 */
export async function runQuickJob(options: QuickJobOptions): Promise<QuickJobResult> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeBudgetMs;
  const leaseMarginMs = options.leaseMarginMs ?? 5_000;
  const observers: Observers = { runner: "quick", log: options.log, metrics: options.metrics, now };
  const handOver = (
    reason: "time_budget" | "retry_later" | "taken_over" | "unavailable",
    step?: number,
  ) => {
    options.log?.info("job_quick_handed_over", { job: options.jobId, step, reason });
    return { status: "handed_over" as const, reason };
  };
  for (;;) {
    if (now() >= deadline || options.signal?.aborted === true) return handOver("time_budget");
    const claim = await options.store.claimStep(options.owner, {
      jobId: options.jobId,
      leaseMs: Math.max(1, deadline - now()) + leaseMarginMs,
    });
    if (claim.status === "unavailable") return handOver("unavailable");
    observeExpiredJobs(claim, observers);
    if (claim.status === "none") return handOver("retry_later");
    const step = claim.step;
    options.log?.info("job_step_claimed", {
      job: step.jobId,
      step: step.index,
      attempt: step.attempt,
      runner: "quick",
    });
    const bound = signalUntil(Math.min(deadline, step.leaseExpiresAt), now);
    const stop = options.signal === undefined ? bound : AbortSignal.any([bound, options.signal]);
    const attemptStarted = now();
    const result = await options.execute(step, stop);
    if (!result.ok && stop.aborted) {
      const released = await options.store.releaseStep(step);
      options.metrics?.recordAttempt("quick", released, now() - attemptStarted);
      return handOver("time_budget", step.index);
    }
    const outcome = await recordAttempt(options.store, step, result, observers, attemptStarted);
    if (outcome.status === "completed" && outcome.jobStatus === "succeeded") {
      return { status: "finished", jobStatus: "succeeded" };
    }
    if (outcome.status === "failed") return { status: "finished", jobStatus: "failed" };
    if (outcome.status === "unavailable") return handOver("unavailable", step.index);
    if (outcome.status === "ignored") return handOver("taken_over", step.index);
    if (outcome.status !== "completed") return handOver("retry_later", step.index);
  }
}
