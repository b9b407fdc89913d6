// The answers the `/v1/jobs` handlers share: a job's id and status URL, and the OpenAI-shaped
// errors that are not GatewayErrors thrown elsewhere (409, 404, 503).
import type { JobView } from "../../_shared/jobs/job-types.ts";
import { jsonResponse } from "../http.ts";
import type { GatewayRuntime } from "../runtime.ts";

/** Where a job's status is read, relative to the gateway's base URL. */
export function jobStatusUrl(jobId: string): string {
  return `/v1/jobs/${jobId}`;
}

/** The body of `POST /v1/jobs`: `{id, status, status_url}`. */
export function jobAcceptedBody(job: JobView): { id: string; status: string; status_url: string } {
  return { id: job.id, status: job.status, status_url: jobStatusUrl(job.id) };
}

/** An OpenAI-shaped error response. */
export function jobErrorResponse(
  status: number,
  error: { message: string; type: string; code: string; param?: string },
  headers: Record<string, string>,
): Response {
  return jsonResponse(status, { error: { ...error, param: error.param ?? null } }, headers);
}

/** 503 `job_store_unavailable`: no database configured, or the database did not answer. */
export function jobStoreUnavailable(
  runtime: GatewayRuntime,
  headers: Record<string, string>,
): Response {
  return jobErrorResponse(
    503,
    {
      message: runtime.jobs
        ? "The job store's database is unavailable; try again later."
        : "Jobs are off (no DATABASE_URL or SUPABASE_DB_URL).",
      type: "api_error",
      code: "job_store_unavailable",
    },
    headers,
  );
}
