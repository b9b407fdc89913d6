// Reads a job with its steps as the JobView that `GET /v1/jobs/{id}` and the webhook show. One
// statement, so the job and its steps are read from the same snapshot.
import type { DatabaseSql } from "../database/database-client.ts";
import type { JobStatus, JobStepView, JobView, StepStatus, WebhookStatus } from "./job-types.ts";

/** A UUID as Postgres prints it; anything else names no job (and would fail the `::uuid` cast). */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a job id. */
export function isJobId(id: string): boolean {
  return uuidPattern.test(id);
}

/** A timestamp parameter from milliseconds since the epoch. */
export function timestamp(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

/** Milliseconds since the epoch of a timestamp column (postgres.js gives a Date). */
export function milliseconds(value: unknown): number {
  return value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
}

const isoTime = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : new Date(String(value)).toISOString();

interface JobViewRow {
  view: {
    id: string;
    status: JobStatus;
    current_step: number;
    step_count: number;
    max_attempts: number;
    result: unknown;
    last_error: string | null;
    webhook_status: WebhookStatus;
    webhook_attempts: number;
    webhook_last_error: string | null;
    created_at: string;
    updated_at: string;
    finished_at: string | null;
    steps: Array<{
      index: number;
      status: StepStatus;
      attempts: number;
      output: unknown;
      error: string | null;
      started_at: string | null;
      finished_at: string | null;
    }>;
  };
}

function toView(row: JobViewRow["view"]): JobView {
  const steps: JobStepView[] = row.steps.map((step) => ({
    index: step.index,
    status: step.status,
    attempts: step.attempts,
    ...(step.output === null ? {} : { output: step.output }),
    ...(step.error === null ? {} : { error: step.error }),
    ...(step.started_at === null ? {} : { startedAt: isoTime(step.started_at) }),
    ...(step.finished_at === null ? {} : { finishedAt: isoTime(step.finished_at) }),
  }));
  return {
    id: row.id,
    status: row.status,
    currentStep: row.current_step,
    stepCount: row.step_count,
    maxAttempts: row.max_attempts,
    ...(row.result === null ? {} : { result: row.result }),
    ...(row.last_error === null ? {} : { error: row.last_error }),
    steps,
    ...(row.webhook_status === "none"
      ? {}
      : {
          webhook: {
            status: row.webhook_status,
            attempts: row.webhook_attempts,
            ...(row.webhook_last_error === null ? {} : { error: row.webhook_last_error }),
          },
        }),
    createdAt: isoTime(row.created_at) ?? "",
    updatedAt: isoTime(row.updated_at) ?? "",
    ...(row.finished_at === null ? {} : { finishedAt: isoTime(row.finished_at) }),
  };
}

/**
 * The view of a job just inserted, without reading it back: queued, its first step queued and the
 * others pending, nothing attempted (the view {@link loadJobView} reads at that point).
 * @param id - the new job's id.
 * @param stepCount - its steps.
 * @param maxAttempts - the attempts stored with it.
 * @param at - the submission time, as stored (ISO 8601).
 */
export function newJobView(
  id: string,
  stepCount: number,
  maxAttempts: number,
  at: string,
): JobView {
  return {
    id,
    status: "queued",
    currentStep: 0,
    stepCount,
    maxAttempts,
    steps: Array.from({ length: stepCount }, (_, index) => ({
      index,
      status: index === 0 ? "queued" : "pending",
      attempts: 0,
    })),
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Loads a job's view.
 * @param sql - the query function.
 * @param id - the job id (checked with {@link isJobId} first).
 * @param callerScope - when given, a job of another scope is not found.
 */
export async function loadJobView(
  sql: DatabaseSql,
  id: string,
  callerScope?: string,
): Promise<JobView | undefined> {
  const rows = await sql<JobViewRow[]>`
    select jsonb_build_object(
      'id', j.id,
      'status', j.status,
      'current_step', j.current_step,
      'step_count', j.step_count,
      'max_attempts', j.max_attempts,
      'result', j.result,
      'last_error', j.last_error,
      'webhook_status', j.webhook_status,
      'webhook_attempts', j.webhook_attempts,
      'webhook_last_error', j.webhook_last_error,
      'created_at', j.created_at,
      'updated_at', j.updated_at,
      'finished_at', j.finished_at,
      'steps', (
        select coalesce(jsonb_agg(jsonb_build_object(
          'index', s.step_index,
          'status', s.status,
          'attempts', s.attempts,
          'output', s.output,
          'error', s.last_error,
          'started_at', s.started_at,
          'finished_at', s.finished_at
        ) order by s.step_index), '[]'::jsonb)
        from public.llm_job_steps s
        where s.job_id = j.id
      )
    ) as view
    from public.llm_jobs j
    where j.id = ${id}::uuid
      ${callerScope === undefined ? sql`` : sql`and j.caller_scope = ${callerScope}`}
  `;
  const row = rows[0];
  return row === undefined ? undefined : toView(row.view);
}
