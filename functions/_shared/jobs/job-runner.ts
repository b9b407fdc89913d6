// What a worker invocation and a quick job do with the store: claim a step, run it, record the
// outcome, and (for the worker) deliver due webhooks, within a time budget. A step's attempt is
// bounded by its lease, so a worker never keeps working on a step another worker may have claimed.
import type { StepExecutor } from "./gateway-step-executor.ts";
import type { JobStore, StepOutcome } from "./job-store.ts";
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

/** Records an attempt's result; returns the store's outcome. */
async function recordAttempt(
  store: JobStore,
  step: ClaimedStep,
  result: Awaited<ReturnType<StepExecutor>>,
  log: JobLog | undefined,
  durationMs: number,
): Promise<StepOutcome> {
  const fields = { job: step.jobId, step: step.index, attempt: step.attempt, durationMs };
  if (result.ok) {
    const outcome = await store.completeStep(step, result.output);
    log?.info("job_step_completed", { ...fields, outcome: outcome.status });
    return outcome;
  }
  const outcome = await store.failStep(step, result.error, { retryable: result.retryable });
  log?.warn("job_step_failed", { ...fields, outcome: outcome.status, error: result.error });
  return outcome;
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
    const outcome = await recordAttempt(
      options.store,
      step,
      result,
      options.log,
      now() - attemptStarted,
    );
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
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Transition lines. */
  log?: JobLog;
}

/** How a quick job ended: all done, or left queued for the worker. */
export type QuickJobResult =
  | { status: "finished"; jobStatus: "succeeded" | "failed" }
  | { status: "handed_over"; reason: "time_budget" | "retry_later" | "unavailable" };

/**
 * Runs a job's steps inline (after the `202` response, under `EdgeRuntime.waitUntil` on Supabase)
 * until it is final or `timeBudgetMs` passes. A step still running at the bound is stopped and
 * released unharmed, so the worker picks the job up on its next wake-up: nothing is lost. A step
 * that fails and must wait before its retry is also left to the worker.
 */
export async function runQuickJob(options: QuickJobOptions): Promise<QuickJobResult> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeBudgetMs;
  for (;;) {
    if (now() >= deadline) return { status: "handed_over", reason: "time_budget" };
    const claim = await options.store.claimStep(options.owner, { jobId: options.jobId });
    if (claim.status === "unavailable") return { status: "handed_over", reason: "unavailable" };
    if (claim.status === "none") return { status: "handed_over", reason: "retry_later" };
    const step = claim.step;
    const stop = signalUntil(Math.min(deadline, step.leaseExpiresAt), now);
    const attemptStarted = now();
    const result = await options.execute(step, stop);
    if (!result.ok && stop.aborted) {
      await options.store.releaseStep(step);
      options.log?.info("job_quick_handed_over", { job: step.jobId, step: step.index });
      return { status: "handed_over", reason: "time_budget" };
    }
    const outcome = await recordAttempt(
      options.store,
      step,
      result,
      options.log,
      now() - attemptStarted,
    );
    if (outcome.status === "completed" && outcome.jobStatus === "succeeded") {
      return { status: "finished", jobStatus: "succeeded" };
    }
    if (outcome.status === "failed") return { status: "finished", jobStatus: "failed" };
    if (outcome.status === "unavailable") return { status: "handed_over", reason: "unavailable" };
    if (outcome.status !== "completed") return { status: "handed_over", reason: "retry_later" };
  }
}
