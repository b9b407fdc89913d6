// The Prometheus metrics of asynchronous jobs (docs/jobs.md, "Metrics"). Transitions are counted
// where they happen — the gateway (submissions, quick jobs) and the job worker (its steps and
// webhooks) — and added up across processes through the store like the gateway's other metrics,
// so the gateway's `/metrics` shows every process's figures. The queue gauges are read from the
// database when `/metrics` is scraped, so every process reports the same numbers.
import { Counter, Gauge, Histogram, type Metric } from "../prometheus.ts";
import type { JobQueueStats, StepOutcome } from "./job-store.ts";

/** Who ran a step: the job worker, or the gateway right after the `202` of a quick job. */
export type JobRunner = "worker" | "quick";

/** Every job metric, with the names the alert rules and dashboards use. */
export class JobMetrics {
  /** Jobs that reached a status: `queued` on submission, then `succeeded` or `failed`. */
  readonly jobs = new Counter(
    "llm_gateway_jobs_total",
    "Jobs that reached a status: queued (submitted), succeeded, failed.",
  );
  /** Step attempts by runner and outcome. */
  readonly stepAttempts = new Counter(
    "llm_gateway_job_step_attempts_total",
    "Step attempts by runner (worker, quick) and outcome (completed, retrying, failed, released, ignored, unavailable).",
  );
  /** Failed attempts queued for another try. */
  readonly retries = new Counter(
    "llm_gateway_job_step_retries_total",
    "Failed step attempts queued for another try after a back-off, by runner.",
  );
  /** How long a step's attempt took, gateway call and recording included. */
  readonly stepDuration = new Histogram(
    "llm_gateway_job_step_duration_seconds",
    "Duration of one step attempt in seconds (the gateway call and its recording).",
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300],
  );
  /** Webhook delivery attempts by outcome. */
  readonly webhooks = new Counter(
    "llm_gateway_job_webhooks_total",
    "Completion webhook delivery attempts by outcome (delivered, retrying, failed).",
  );
  /** Steps due and not being run: the backlog the alert LlmGatewayJobQueueBacklog watches. */
  readonly queueDepth = new Gauge(
    "llm_gateway_jobs_queue_depth",
    "Job steps due to run and not running (queued and due, or running under an expired lease), read from the database at scrape time.",
  );
  /** Steps queued or running, by status. */
  readonly steps = new Gauge(
    "llm_gateway_job_steps",
    "Job steps queued (due or backing off) or running, by status, read from the database at scrape time.",
  );

  /** Every metric, for `/metrics` and the totals shared across processes. */
  all(): Metric[] {
    return [
      this.jobs,
      this.stepAttempts,
      this.retries,
      this.stepDuration,
      this.webhooks,
      this.queueDepth,
      this.steps,
    ];
  }

  /**
   * Records one step attempt: its outcome, a retry, its duration, and the job turning final.
   * @param runner - who ran it.
   * @param outcome - what the store made of it.
   * @param durationMs - how long the attempt took.
   */
  recordAttempt(runner: JobRunner, outcome: StepOutcome, durationMs: number): void {
    this.stepAttempts.increment({ runner, outcome: outcome.status });
    this.stepDuration.observe(durationMs / 1000);
    if (outcome.status === "retrying") this.retries.increment({ runner });
    if (outcome.status === "completed" && outcome.jobStatus === "succeeded") {
      this.jobs.increment({ status: "succeeded" });
    }
    if (outcome.status === "failed") this.jobs.increment({ status: "failed" });
  }

  /** Counts jobs a claim failed because their last attempt's lease expired (a runner died). */
  recordExpiredJobs(count: number): void {
    if (count > 0) this.jobs.increment({ status: "failed" }, count);
  }

  /** Sets the queue gauges from {@link JobQueueStats}. */
  setQueue(stats: JobQueueStats): void {
    this.queueDepth.set({}, stats.queueDepth);
    this.steps.set({ status: "queued" }, stats.queuedSteps);
    this.steps.set({ status: "running" }, stats.runningSteps);
  }
}

/**
 * Reads the queue gauges from the store; an unavailable database leaves their last values.
 * @param metrics - the gauges to set.
 * @param store - anything with the job store's `stats`.
 */
export async function refreshJobQueueGauges(
  metrics: JobMetrics,
  store: {
    stats(): Promise<{ status: "ok"; stats: JobQueueStats } | { status: "unavailable" }>;
  },
): Promise<void> {
  const outcome = await store.stats();
  if (outcome.status === "ok") metrics.setQueue(outcome.stats);
}
