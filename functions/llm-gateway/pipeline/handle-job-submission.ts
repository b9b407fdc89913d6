import { jobCallerScope } from "../../_shared/jobs/caller-scope.ts";
import { parseJobSubmission } from "../../_shared/jobs/job-submission.ts";
import { InvalidRequestError } from "../errors.ts";
import { jsonResponse } from "../http.ts";
import type { Caller } from "../request/caller.ts";
import type { RequestContext } from "../request/request-context.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { startQuickJob } from "./handle-job-quick-run.ts";
import { jobAcceptedBody, jobErrorResponse, jobStoreUnavailable } from "./job-answers.ts";

/**
 * `POST /v1/jobs` (docs/jobs.md): validates the body (400 naming the field in `param`, a webhook
 * naming a signing secret `JOB_WEBHOOK_SECRETS` does not hold included), then stores the job under
 * the caller's hashed scope. Answers 202 `{id, status, status_url}` for a new job, 200 with the
 * same body when the caller repeats an idempotency key with the same job, 409
 * `idempotency_key_conflict` when the key was used for another job, 503 `job_store_unavailable`
 * without a database or when it does not answer. The job worker runs the steps; a new job with
 * `"mode": "quick"` is run by the gateway first, after the response (handle-job-quick-run.ts).
 */
export async function handleJobSubmission(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  const parsed = parseJobSubmission(body, {
    idempotencyKeyHeader: request.headers.get("idempotency-key"),
    webhookSecretNames: new Set(runtime.config.jobWebhookSecrets.keys()),
  });
  if (!parsed.ok) throw new InvalidRequestError(parsed.message, "invalid_value", parsed.param);
  const headers = { "x-request-id": context.requestId, "cache-control": "no-store" };
  if (runtime.jobs === undefined) return jobStoreUnavailable(runtime, headers);
  const outcome = await runtime.jobs.submit(jobCallerScope(caller.id), parsed.value);
  switch (outcome.status) {
    case "created": {
      const mode = parsed.value.mode ?? "queued";
      runtime.jobMetrics.jobs.increment({ status: "queued" });
      runtime.logger.info("job_submitted", {
        requestId: context.requestId,
        job: outcome.job.id,
        steps: outcome.job.stepCount,
        mode,
      });
      if (mode === "quick") {
        void startQuickJob(runtime, {
          request,
          jobId: outcome.job.id,
          requestId: context.requestId,
        });
      }
      return jsonResponse(202, jobAcceptedBody(outcome.job), headers);
    }
    case "existing":
      return jsonResponse(200, jobAcceptedBody(outcome.job), headers);
    case "conflict":
      return jobErrorResponse(
        409,
        {
          message: "idempotency_key was already used for a different job.",
          type: "invalid_request_error",
          code: "idempotency_key_conflict",
          param: "idempotency_key",
        },
        headers,
      );
    case "unavailable":
      return jobStoreUnavailable(runtime, headers);
  }
}
