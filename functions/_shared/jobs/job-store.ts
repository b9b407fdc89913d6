// The job store: submitting, reading and cancelling jobs (scoped to a hashed caller), and the
// worker's side — claiming a runnable step with a lease (`for update skip locked`), completing or
// failing it, and the webhook outbox. Every change is one SQL statement, so it is atomic on its own
// and works through a transaction pooler. A completion or failure carries the lease token of its
// claim: a step completed twice, or completed by a worker whose lease expired and was claimed
// again, changes nothing (`ignored`). Times come from the injected clock, not the database's, so
// leases and back-off are testable.
import { canonicalJson } from "../canonical-json.ts";
import type { DatabaseClient, DatabaseSql } from "../database/database-client.ts";
import { createRedactor } from "../redact.ts";
import { sha256Hex } from "../sha256.ts";
import { retryDelayMs } from "./backoff.ts";
import type { ClaimedStep, ClaimedWebhook, JobSubmission, JobView } from "./job-types.ts";
import { isJobId, loadJobView, milliseconds, newJobView, timestamp } from "./job-view.ts";
import { renderStepRequest, templateReferences } from "./step-template.ts";
import type { ChatStepRequest } from "./job-types.ts";

/** Options of {@link createJobStore}. */
export interface JobStoreOptions {
  /** The guarded database (see ../database/database-client.ts). */
  database: DatabaseClient;
  /**
   * Attempts each step gets before its job fails, unless the submission asks for fewer or more.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * How long a claim holds a step, in milliseconds; a worker that dies loses the step after it.
   * Longer than the slowest step (the gateway's request deadline).
   * @default 120000
   */
  leaseMs?: number;
  /**
   * First back-off after a failed attempt, in milliseconds (then doubling, jittered).
   * @default 2000
   */
  retryBaseMs?: number;
  /**
   * Longest back-off between attempts, in milliseconds.
   * @default 300000
   */
  retryMaxMs?: number;
  /**
   * Delivery attempts of a completion webhook.
   * @default 8
   */
  webhookMaxAttempts?: number;
  /**
   * First back-off after a failed webhook delivery, in milliseconds (then doubling, jittered).
   * @default 10000
   */
  webhookRetryBaseMs?: number;
  /**
   * Longest back-off between webhook deliveries, in milliseconds.
   * @default 3600000
   */
  webhookRetryMaxMs?: number;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Applied to every stored error text. @default createRedactor() */
  redact?: (text: string) => string;
}

/** The outcome of {@link JobStore.submit}. */
export type SubmitOutcome =
  | { status: "created"; job: JobView }
  | { status: "existing"; job: JobView }
  | { status: "conflict"; jobId: string }
  | { status: "unavailable" };

/** The outcome of reading or cancelling a job. */
export type JobOutcome =
  { status: "found"; job: JobView } | { status: "not_found" } | { status: "unavailable" };

/**
 * The outcome of {@link JobStore.claimStep}. `expiredJobs` lists the jobs this claim failed
 * because the lease of their step's last attempt had expired (a worker died), for the log.
 */
export type ClaimOutcome =
  | { status: "claimed"; step: ClaimedStep; expiredJobs: string[] }
  | { status: "none"; expiredJobs: string[] }
  | { status: "unavailable" };

/** Options of {@link JobStore.claimStep}. */
export interface ClaimOptions {
  /** Only a step of this job (quick jobs). */
  jobId?: string;
  /**
   * This claim's lease in milliseconds, instead of the store's `leaseMs`: a quick job holds its
   * step only a little longer than its time bound, so the worker takes over soon after a gateway
   * isolate that died with it.
   * @default the store's leaseMs
   */
  leaseMs?: number;
}

/** What {@link JobStore.stats} counts, for the gauges of `/metrics`. */
export interface JobQueueStats {
  /** Steps due now and not being run: queued and due, or running with an expired lease. */
  queueDepth: number;
  /** Steps queued, due or waiting for their back-off. */
  queuedSteps: number;
  /** Steps running under a live or expired lease. */
  runningSteps: number;
}

/** The outcome of completing, failing or releasing a step (`ignored`: not the lease holder). */
export type StepOutcome =
  | { status: "completed"; jobStatus: "running" | "succeeded" }
  | { status: "retrying"; nextAttemptAt: number }
  | { status: "failed" }
  | { status: "released" }
  | { status: "ignored" }
  | { status: "unavailable" };

/** The outcome of {@link JobStore.claimWebhook}. */
export type WebhookClaimOutcome =
  { status: "claimed"; webhook: ClaimedWebhook } | { status: "none" } | { status: "unavailable" };

/** The outcome of {@link JobStore.recordWebhook}. */
export type WebhookOutcome =
  | { status: "delivered" }
  | { status: "retrying"; nextAttemptAt: number }
  | { status: "failed" }
  | { status: "ignored" }
  | { status: "unavailable" };

/** Jobs in Postgres; see the file comment. */
export interface JobStore {
  /**
   * Stores a job, or returns the caller's existing job for the same idempotency key
   * (`conflict` when that key was used for another job).
   * @param callerScope - the hashed caller id (see caller-scope.ts), never a raw key.
   */
  submit(callerScope: string, submission: JobSubmission): Promise<SubmitOutcome>;
  /** A job of this caller; another caller's job is `not_found`. */
  get(callerScope: string, jobId: string): Promise<JobOutcome>;
  /**
   * Cancels a job that is not final: steps not started are cancelled, a running step's result is
   * ignored when it arrives. A final job is returned as it is.
   */
  cancel(callerScope: string, jobId: string): Promise<JobOutcome>;
  /**
   * Claims the next runnable step: queued and due, or running with an expired lease. First fails
   * the steps whose expired lease was their last attempt.
   * @param owner - who claims, for operators (e.g. the worker's invocation id).
   * @param options - see {@link ClaimOptions}.
   */
  claimStep(owner: string, options?: ClaimOptions): Promise<ClaimOutcome>;
  /** Stores a step's output and queues the next step, or finishes the job. */
  completeStep(step: ClaimedStep, output: unknown): Promise<StepOutcome>;
  /**
   * Records a failed attempt: retried after a back-off while attempts remain and the error is
   * retryable, otherwise the step and its job fail with the (redacted) error.
   */
  failStep(step: ClaimedStep, error: string, options: { retryable: boolean }): Promise<StepOutcome>;
  /** Gives a claimed step back unharmed (its attempt is not counted), runnable at once. */
  releaseStep(step: ClaimedStep): Promise<StepOutcome>;
  /** Claims a due webhook delivery with a lease. */
  claimWebhook(): Promise<WebhookClaimOutcome>;
  /** Records a delivery: delivered, or failed (retried with back-off until attempts run out). */
  recordWebhook(
    webhook: ClaimedWebhook,
    result: { delivered: true } | { delivered: false; error: string },
  ): Promise<WebhookOutcome>;
  /** Counts the queue (index scans of the step table only), for the gauges of `/metrics`. */
  stats(): Promise<{ status: "ok"; stats: JobQueueStats } | { status: "unavailable" }>;
}

const maxErrorLength = 1000;

/** A JSONB parameter: postgres.js serializes it itself (a JSON string would become a scalar). */
const jsonValue = (sql: DatabaseSql, value: unknown) =>
  sql.json(value as Parameters<DatabaseSql["json"]>[0]);

interface ClaimRow {
  job_id: string;
  step_index: number;
  attempts: number;
  request: ChatStepRequest;
  lease_expires_at: Date;
  caller_scope: string;
  step_count: number;
  max_attempts: number;
}

/**
 * Creates the store.
 * @param options - see {@link JobStoreOptions}.
 */
export function createJobStore(options: JobStoreOptions): JobStore {
  const { database } = options;
  const now = options.now ?? Date.now;
  const defaultMaxAttempts = options.maxAttempts ?? 5;
  const leaseMs = options.leaseMs ?? 120_000;
  const stepBackoff = {
    baseMs: options.retryBaseMs ?? 2_000,
    maxMs: options.retryMaxMs ?? 300_000,
    ...(options.random === undefined ? {} : { random: options.random }),
  };
  const webhookBackoff = {
    baseMs: options.webhookRetryBaseMs ?? 10_000,
    maxMs: options.webhookRetryMaxMs ?? 3_600_000,
    ...(options.random === undefined ? {} : { random: options.random }),
  };
  const webhookMaxAttempts = options.webhookMaxAttempts ?? 8;
  const redact = options.redact ?? createRedactor();
  const cleanError = (error: string): string => redact(error).slice(0, maxErrorLength);

  // What a job becomes when it turns final: its webhook (if any) is due now.
  const finalWebhook = (sql: DatabaseSql, at: string) => sql`
    webhook_status = case when j.webhook_url is null then 'none' else 'pending' end,
    webhook_next_attempt_at = case when j.webhook_url is null then null else ${at}::timestamptz end
  `;

  const store: JobStore = {
    async submit(callerScope, submission) {
      const at = timestamp(now());
      const maxAttempts = submission.maxAttempts ?? defaultMaxAttempts;
      const requestSha256 = sha256Hex(
        canonicalJson({
          steps: submission.steps,
          webhook: submission.webhook ?? null,
          maxAttempts,
        }),
      );
      const outcome = await database.run("jobs.submit", async (sql) => {
        const inserted = await sql<{ id: string }[]>`
          with job as (
            insert into public.llm_jobs (
              caller_scope, idempotency_key, request_sha256, step_count, max_attempts,
              webhook_url, webhook_secret_name, created_at, updated_at
            ) values (
              ${callerScope}, ${submission.idempotencyKey ?? null}, ${requestSha256},
              ${submission.steps.length}::integer, ${maxAttempts}::integer,
              ${submission.webhook?.url ?? null}, ${submission.webhook?.secretName ?? null},
              ${at}::timestamptz, ${at}::timestamptz
            )
            on conflict (caller_scope, idempotency_key) do nothing
            returning id
          ), steps as (
            insert into public.llm_job_steps (job_id, step_index, status, request, next_attempt_at, updated_at)
            select job.id, (step.position - 1)::integer,
              case when step.position = 1 then 'queued' else 'pending' end,
              step.request,
              case when step.position = 1 then ${at}::timestamptz end,
              ${at}::timestamptz
            from job, jsonb_array_elements(${jsonValue(sql, submission.steps)})
              with ordinality as step(request, position)
          )
          select id from job
        `;
        const created = inserted[0]?.id;
        if (created !== undefined) {
          // Built, not read back: one round trip per submission (the 202's latency).
          const job = newJobView(created, submission.steps.length, maxAttempts, at);
          return { status: "created" as const, job };
        }
        // The key was used before (or by a submission committed while this one ran).
        const existing = await sql<{ id: string; request_sha256: string }[]>`
          select id, request_sha256 from public.llm_jobs
          where caller_scope = ${callerScope} and idempotency_key = ${submission.idempotencyKey ?? null}
        `;
        const found = existing[0];
        if (found === undefined) return undefined;
        if (found.request_sha256 !== requestSha256) {
          return { status: "conflict" as const, jobId: found.id };
        }
        const job = await loadJobView(sql, found.id, callerScope);
        return job === undefined ? undefined : { status: "existing" as const, job };
      });
      if (!outcome.ok || outcome.value === undefined) return { status: "unavailable" };
      return outcome.value;
    },

    async get(callerScope, jobId) {
      if (!isJobId(jobId)) return { status: "not_found" };
      const outcome = await database.run("jobs.get", (sql) => loadJobView(sql, jobId, callerScope));
      if (!outcome.ok) return { status: "unavailable" };
      return outcome.value === undefined
        ? { status: "not_found" }
        : { status: "found", job: outcome.value };
    },

    async cancel(callerScope, jobId) {
      if (!isJobId(jobId)) return { status: "not_found" };
      const at = timestamp(now());
      const outcome = await database.run("jobs.cancel", async (sql) => {
        await sql`
          with job as (
            update public.llm_jobs j
            set status = 'cancelled', finished_at = ${at}::timestamptz, updated_at = ${at}::timestamptz,
              ${finalWebhook(sql, at)}
            where j.id = ${jobId}::uuid and j.caller_scope = ${callerScope}
              and j.status in ('queued', 'running')
            returning j.id
          )
          update public.llm_job_steps s
          set status = 'cancelled', next_attempt_at = null, updated_at = ${at}::timestamptz
          from job
          where s.job_id = job.id and s.status in ('pending', 'queued')
        `;
        return loadJobView(sql, jobId, callerScope);
      });
      if (!outcome.ok) return { status: "unavailable" };
      return outcome.value === undefined
        ? { status: "not_found" }
        : { status: "found", job: outcome.value };
    },

    async claimStep(owner, claimOptions = {}) {
      if (claimOptions.jobId !== undefined && !isJobId(claimOptions.jobId)) {
        return { status: "none", expiredJobs: [] };
      }
      const claimedAt = now();
      const at = timestamp(claimedAt);
      const leaseUntil = timestamp(claimedAt + (claimOptions.leaseMs ?? leaseMs));
      const leaseToken = crypto.randomUUID();
      const outcome = await database.run("jobs.claim_step", async (sql) => {
        const expiredJobs = await expireExhaustedLeases(sql, at);
        const rows = await sql<ClaimRow[]>`
          with candidate as (
            select s.job_id, s.step_index
            from public.llm_job_steps s
            join public.llm_jobs j on j.id = s.job_id
            where j.status in ('queued', 'running')
              and (
                (s.status = 'queued' and s.next_attempt_at <= ${at}::timestamptz)
                or (s.status = 'running' and s.lease_expires_at <= ${at}::timestamptz
                    and s.attempts < j.max_attempts)
              )
              ${claimOptions.jobId === undefined ? sql`` : sql`and s.job_id = ${claimOptions.jobId}::uuid`}
            order by coalesce(s.next_attempt_at, s.lease_expires_at), s.job_id, s.step_index
            limit 1
            for update of s skip locked
          ), claimed as (
            update public.llm_job_steps s
            set status = 'running', attempts = s.attempts + 1, lease_token = ${leaseToken}::uuid,
              lease_owner = ${owner}, lease_expires_at = ${leaseUntil}::timestamptz,
              started_at = coalesce(s.started_at, ${at}::timestamptz), updated_at = ${at}::timestamptz
            from candidate
            where s.job_id = candidate.job_id and s.step_index = candidate.step_index
            returning s.job_id, s.step_index, s.attempts, s.request, s.lease_expires_at
          ), job as (
            update public.llm_jobs j
            set status = 'running', updated_at = ${at}::timestamptz
            from claimed
            where j.id = claimed.job_id
            returning j.id, j.caller_scope, j.step_count, j.max_attempts
          )
          select claimed.*, job.caller_scope, job.step_count, job.max_attempts
          from claimed join job on job.id = claimed.job_id
        `;
        const row = rows[0];
        if (row === undefined) return { row, outputs: new Map<number, unknown>(), expiredJobs };
        const references = templateReferences(row.request);
        const outputs = new Map<number, unknown>();
        if (references.length > 0) {
          const earlier = await sql<{ step_index: number; output: unknown }[]>`
            select step_index, output from public.llm_job_steps
            where job_id = ${row.job_id}::uuid and step_index < ${row.step_index}::integer
              and status = 'succeeded'
          `;
          for (const step of earlier) outputs.set(step.step_index, step.output);
        }
        return { row, outputs, expiredJobs };
      });
      if (!outcome.ok) return { status: "unavailable" };
      const { row, outputs, expiredJobs } = outcome.value;
      if (row === undefined) return { status: "none", expiredJobs };
      const step: ClaimedStep = {
        jobId: row.job_id,
        index: row.step_index,
        stepCount: row.step_count,
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
        callerScope: row.caller_scope,
        request: row.request,
        leaseToken,
        leaseExpiresAt: milliseconds(row.lease_expires_at),
      };
      try {
        step.request = renderStepRequest(row.request, outputs);
      } catch (error) {
        await store.failStep(step, error instanceof Error ? error.message : String(error), {
          retryable: false,
        });
        return { status: "none", expiredJobs };
      }
      return { status: "claimed", step, expiredJobs };
    },

    async completeStep(step, output) {
      const at = timestamp(now());
      const outcome = await database.run(
        "jobs.complete_step",
        (sql) =>
          sql<{ status: "running" | "succeeded" }[]>`
          with done as (
            update public.llm_job_steps s
            set status = 'succeeded', output = ${jsonValue(sql, output ?? null)}, lease_token = null,
              lease_owner = null, lease_expires_at = null, next_attempt_at = null,
              last_error = null, finished_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
            from public.llm_jobs j
            where s.job_id = ${step.jobId}::uuid and s.step_index = ${step.index}::integer
              and s.status = 'running' and s.lease_token = ${step.leaseToken}::uuid
              and j.id = s.job_id and j.status in ('queued', 'running')
            returning s.job_id, s.step_index, j.step_count
          ), next_step as (
            update public.llm_job_steps s
            set status = 'queued', next_attempt_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
            from done
            where s.job_id = done.job_id and s.step_index = done.step_index + 1
              and s.status = 'pending'
            returning s.step_index
          ), job as (
            update public.llm_jobs j
            set current_step = done.step_index + 1,
              status = case when done.step_index + 1 >= done.step_count then 'succeeded' else 'running' end,
              result = case when done.step_index + 1 >= done.step_count then ${jsonValue(sql, output ?? null)} end,
              finished_at = case when done.step_index + 1 >= done.step_count then ${at}::timestamptz end,
              webhook_status = case
                when done.step_index + 1 >= done.step_count and j.webhook_url is not null then 'pending'
                else j.webhook_status end,
              webhook_next_attempt_at = case
                when done.step_index + 1 >= done.step_count and j.webhook_url is not null
                  then ${at}::timestamptz
                else j.webhook_next_attempt_at end,
              updated_at = ${at}::timestamptz
            from done
            where j.id = done.job_id
            returning j.status
          )
          select status from job
        `,
      );
      if (!outcome.ok) return { status: "unavailable" };
      const row = outcome.value[0];
      return row === undefined
        ? { status: "ignored" }
        : { status: "completed", jobStatus: row.status };
    },

    async failStep(step, error, failOptions) {
      const failedAt = now();
      const at = timestamp(failedAt);
      const retry = failOptions.retryable && step.attempt < step.maxAttempts;
      const nextAttemptAt = failedAt + retryDelayMs(step.attempt, stepBackoff);
      const message = cleanError(error);
      const outcome = await database.run(
        "jobs.fail_step",
        (sql) =>
          sql<{ status: string }[]>`
          with failed as (
            update public.llm_job_steps s
            set status = ${retry ? "queued" : "failed"},
              next_attempt_at = ${retry ? timestamp(nextAttemptAt) : null}::timestamptz,
              last_error = ${message}, lease_token = null, lease_owner = null,
              lease_expires_at = null,
              finished_at = ${retry ? null : at}::timestamptz, updated_at = ${at}::timestamptz
            from public.llm_jobs j
            where s.job_id = ${step.jobId}::uuid and s.step_index = ${step.index}::integer
              and s.status = 'running' and s.lease_token = ${step.leaseToken}::uuid
              and j.id = s.job_id and j.status in ('queued', 'running')
            returning s.job_id, s.status
          ), job as (
            update public.llm_jobs j
            set last_error = ${message}, updated_at = ${at}::timestamptz
              ${
                retry
                  ? sql``
                  : sql`, status = 'failed', finished_at = ${at}::timestamptz, ${finalWebhook(sql, at)}`
              }
            from failed
            where j.id = failed.job_id
            returning j.id
          )
          select status from failed
        `,
      );
      if (!outcome.ok) return { status: "unavailable" };
      if (outcome.value[0] === undefined) return { status: "ignored" };
      return retry ? { status: "retrying", nextAttemptAt } : { status: "failed" };
    },

    async releaseStep(step) {
      const at = timestamp(now());
      const outcome = await database.run(
        "jobs.release_step",
        (sql) =>
          sql<{ step_index: number }[]>`
          update public.llm_job_steps s
          set status = 'queued', attempts = greatest(s.attempts - 1, 0),
            next_attempt_at = ${at}::timestamptz, lease_token = null, lease_owner = null,
            lease_expires_at = null, updated_at = ${at}::timestamptz
          where s.job_id = ${step.jobId}::uuid and s.step_index = ${step.index}::integer
            and s.status = 'running' and s.lease_token = ${step.leaseToken}::uuid
          returning s.step_index
        `,
      );
      if (!outcome.ok) return { status: "unavailable" };
      return outcome.value[0] === undefined ? { status: "ignored" } : { status: "released" };
    },

    async claimWebhook() {
      const claimedAt = now();
      const at = timestamp(claimedAt);
      const leaseToken = crypto.randomUUID();
      const outcome = await database.run("jobs.claim_webhook", async (sql) => {
        const rows = await sql<
          {
            id: string;
            webhook_url: string;
            webhook_secret_name: string;
            webhook_attempts: number;
          }[]
        >`
          with candidate as (
            select id from public.llm_jobs
            where webhook_status = 'pending' and webhook_next_attempt_at <= ${at}::timestamptz
              and (webhook_lease_expires_at is null or webhook_lease_expires_at <= ${at}::timestamptz)
            order by webhook_next_attempt_at
            limit 1
            for update skip locked
          )
          update public.llm_jobs j
          set webhook_lease_token = ${leaseToken}::uuid,
            webhook_lease_expires_at = ${timestamp(claimedAt + leaseMs)}::timestamptz,
            webhook_attempts = j.webhook_attempts + 1
          from candidate
          where j.id = candidate.id
          returning j.id, j.webhook_url, j.webhook_secret_name, j.webhook_attempts
        `;
        const row = rows[0];
        if (row === undefined) return undefined;
        const job = await loadJobView(sql, row.id);
        return job === undefined ? undefined : { row, job };
      });
      if (!outcome.ok) return { status: "unavailable" };
      if (outcome.value === undefined) return { status: "none" };
      const { row, job } = outcome.value;
      return {
        status: "claimed",
        webhook: {
          jobId: row.id,
          url: row.webhook_url,
          secretName: row.webhook_secret_name,
          attempt: row.webhook_attempts,
          leaseToken,
          job,
        },
      };
    },

    async recordWebhook(webhook, result) {
      const recordedAt = now();
      const at = timestamp(recordedAt);
      const retry = !result.delivered && webhook.attempt < webhookMaxAttempts;
      const nextAttemptAt = recordedAt + retryDelayMs(webhook.attempt, webhookBackoff);
      const status = result.delivered ? "delivered" : retry ? "pending" : "failed";
      const error = result.delivered ? null : cleanError(result.error);
      const outcome = await database.run(
        "jobs.record_webhook",
        (sql) =>
          sql<{ id: string }[]>`
          update public.llm_jobs
          set webhook_status = ${status}, webhook_lease_token = null,
            webhook_lease_expires_at = null, webhook_last_error = ${error},
            webhook_next_attempt_at = ${retry ? timestamp(nextAttemptAt) : null}::timestamptz,
            updated_at = ${at}::timestamptz
          where id = ${webhook.jobId}::uuid and webhook_lease_token = ${webhook.leaseToken}::uuid
            and webhook_status = 'pending'
          returning id
        `,
      );
      if (!outcome.ok) return { status: "unavailable" };
      if (outcome.value[0] === undefined) return { status: "ignored" };
      if (result.delivered) return { status: "delivered" };
      return retry ? { status: "retrying", nextAttemptAt } : { status: "failed" };
    },

    async stats() {
      const at = timestamp(now());
      const outcome = await database.run(
        "jobs.stats",
        (sql) =>
          sql<{ queue_depth: number; queued_steps: number; running_steps: number }[]>`
          select
            (select count(*) from public.llm_job_steps
              where status = 'queued' and next_attempt_at <= ${at}::timestamptz)::integer
            + (select count(*) from public.llm_job_steps
              where status = 'running' and lease_expires_at <= ${at}::timestamptz)::integer
              as queue_depth,
            (select count(*) from public.llm_job_steps where status = 'queued')::integer
              as queued_steps,
            (select count(*) from public.llm_job_steps where status = 'running')::integer
              as running_steps
        `,
      );
      if (!outcome.ok) return { status: "unavailable" };
      const row = outcome.value[0];
      return {
        status: "ok",
        stats: {
          queueDepth: row?.queue_depth ?? 0,
          queuedSteps: row?.queued_steps ?? 0,
          runningSteps: row?.running_steps ?? 0,
        },
      };
    },
  };
  return store;

  /**
   * Fails the steps (and jobs) whose expired lease was their last attempt: the worker died.
   * @returns the ids of the jobs failed.
   */
  async function expireExhaustedLeases(sql: DatabaseSql, at: string): Promise<string[]> {
    const message = "the worker stopped during the last attempt (its lease expired)";
    const failed = await sql<{ id: string }[]>`
      with dead as (
        update public.llm_job_steps s
        set status = 'failed', last_error = ${message}, lease_token = null, lease_owner = null,
          lease_expires_at = null, finished_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
        from public.llm_jobs j
        where j.id = s.job_id and j.status in ('queued', 'running')
          and s.status = 'running' and s.lease_expires_at <= ${at}::timestamptz
          and s.attempts >= j.max_attempts
        returning s.job_id
      )
      update public.llm_jobs j
      set status = 'failed', last_error = ${message}, finished_at = ${at}::timestamptz,
        updated_at = ${at}::timestamptz, ${finalWebhook(sql, at)}
      from dead
      where j.id = dead.job_id
      returning j.id
    `;
    return failed.map((row) => row.id);
  }
}
