// The shapes of asynchronous jobs (docs/jobs.md): what a caller submits, what the store and the
// worker pass around, and what `GET /v1/jobs/{id}` answers.

/** Where a job is. */
export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** Where a step is: `pending` waits for the previous step, `queued` is runnable. */
export type StepStatus = "pending" | "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** Where the completion webhook is. */
export type WebhookStatus = "none" | "pending" | "delivered" | "failed";

/**
 * One step: an OpenAI chat completion request (without `stream`). Text in `messages` may quote an
 * earlier step's answer with `{{steps.N.output}}` (see step-template.ts).
 * @example { model: "tier:default", messages: [{ role: "user", content: "Summarise: {{steps.0.output}}" }] }
 */
export interface ChatStepRequest {
  /** The model or tier, as the gateway's chat endpoint takes it. */
  model: string;
  /** The conversation. */
  messages: Array<Record<string, unknown>>;
  /** Any other chat completion parameter (temperature, max_tokens, ...), passed through. */
  [parameter: string]: unknown;
}

/** Where to POST the result once the job is final. */
export interface JobWebhook {
  /** An https URL (http only for loopback addresses, for local development). */
  url: string;
  /**
   * The name of the signing secret in the worker's `JOB_WEBHOOK_SECRETS`; the secret itself is
   * never stored with the job.
   * @example "default"
   */
  secretName: string;
}

/**
 * Who runs a job's first attempts. `queued`: the job worker, woken by the schedule. `quick`: the
 * gateway itself, right after the `202`, within `JOB_QUICK_TIME_BUDGET_MS` (15 s); what is not
 * done by then is left queued for the worker. Not stored: a job is the same job either way.
 */
export type JobMode = "queued" | "quick";

/** A validated job, ready for {@link JobStore.submit}. */
export interface JobSubmission {
  /** The steps in order; at least one. */
  steps: ChatStepRequest[];
  /** Makes a resubmission by the same caller return the same job. */
  idempotencyKey?: string | undefined;
  /** Completion webhook. */
  webhook?: JobWebhook | undefined;
  /**
   * Attempts each step gets before the job fails.
   * @default the store's `maxAttempts`
   */
  maxAttempts?: number | undefined;
  /**
   * Who runs the first attempts; the store ignores it (see {@link JobMode}).
   * @default "queued"
   */
  mode?: JobMode | undefined;
}

/** One step as `GET /v1/jobs/{id}` shows it. */
export interface JobStepView {
  /** Position, from 0. */
  index: number;
  /** Where it is. */
  status: StepStatus;
  /** Attempts started so far. */
  attempts: number;
  /** The gateway's answer (a chat completion), once succeeded. */
  output?: unknown;
  /** The last error (redacted), when an attempt failed. */
  error?: string;
  /** When the first attempt started (ISO 8601). */
  startedAt?: string;
  /** When it succeeded or failed for good (ISO 8601). */
  finishedAt?: string;
}

/** A job as `GET /v1/jobs/{id}` and the webhook show it. */
export interface JobView {
  /** The job id (a UUID). */
  id: string;
  /** Where it is. */
  status: JobStatus;
  /** The step running or next to run (`stepCount` once all succeeded). */
  currentStep: number;
  /** How many steps. */
  stepCount: number;
  /** Attempts each step gets. */
  maxAttempts: number;
  /** The last step's answer, once succeeded. */
  result?: unknown;
  /** The last error (redacted). */
  error?: string;
  /** Every step in order. */
  steps: JobStepView[];
  /** The webhook's delivery, when one was asked for. */
  webhook?: { status: WebhookStatus; attempts: number; error?: string };
  /** ISO 8601 times. */
  createdAt: string;
  /** Last change. */
  updatedAt: string;
  /** When it became final. */
  finishedAt?: string;
}

/** A step claimed by a worker: what to run and the lease that proves the claim. */
export interface ClaimedStep {
  /** The job. */
  jobId: string;
  /** The step's position. */
  index: number;
  /** Steps in the job. */
  stepCount: number;
  /** This attempt's number, from 1. */
  attempt: number;
  /** Attempts the step gets. */
  maxAttempts: number;
  /** The job's hashed caller, for the gateway's per-caller scopes. */
  callerScope: string;
  /** The request with earlier outputs filled in. */
  request: ChatStepRequest;
  /** The lease: only its holder may complete, fail or release the step. */
  leaseToken: string;
  /** When the lease expires (ms since the epoch); after it another worker may claim the step. */
  leaseExpiresAt: number;
}

/** A webhook delivery claimed by a worker. */
export interface ClaimedWebhook {
  /** The job. */
  jobId: string;
  /** Where to POST. */
  url: string;
  /** The name of the signing secret. */
  secretName: string;
  /** This delivery attempt's number, from 1. */
  attempt: number;
  /** The lease token. */
  leaseToken: string;
  /** The job as it is now: the webhook's body. */
  job: JobView;
}
