import { jobCallerScope } from "../../_shared/jobs/caller-scope.ts";
import { jsonResponse } from "../http.ts";
import type { Caller } from "../request/caller.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { jobErrorResponse, jobStoreUnavailable } from "./job-answers.ts";

/**
 * `GET /v1/jobs/{id}` (docs/jobs.md): the caller's job as a JobView. 404 `job_not_found` for an
 * unknown id, an id that is not a UUID, or another caller's job (a caller cannot learn that it
 * exists); 503 `job_store_unavailable` without a database or when it does not answer.
 */
export async function handleJobStatus(
  runtime: GatewayRuntime,
  jobId: string,
  caller: Caller,
  requestId: string,
): Promise<Response> {
  const headers = { "x-request-id": requestId, "cache-control": "no-store" };
  if (runtime.jobs === undefined) return jobStoreUnavailable(runtime, headers);
  const outcome = await runtime.jobs.get(jobCallerScope(caller.id), jobId);
  if (outcome.status === "found") return jsonResponse(200, outcome.job, headers);
  if (outcome.status === "unavailable") return jobStoreUnavailable(runtime, headers);
  return jobErrorResponse(
    404,
    {
      message: "No job with this id for this caller.",
      type: "invalid_request_error",
      code: "job_not_found",
    },
    headers,
  );
}
