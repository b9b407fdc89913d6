// The worker's HTTP surface: `POST` (any path; Supabase mounts it at /functions/v1/job-worker) runs
// one batch — claim and run steps, deliver due webhooks — for the caller holding one of the
// gateway's keys (`npm start`'s loop) or the wake-up's own `JOB_WORKER_TOKEN` (the pg_cron
// wake-up); `GET …/health` answers 200 and
// `GET …/metrics` the job metrics in Prometheus text (with `GATEWAY_METRICS_TOKEN` when set). On
// Supabase the batch runs after a `202` under `EdgeRuntime.waitUntil` (pg_net gives up waiting
// after 5 s); elsewhere the answer waits for the batch and reports what it did.
import type { StepExecutor } from "../_shared/jobs/gateway-step-executor.ts";
import type { JobMetrics } from "../_shared/jobs/job-metrics.ts";
import { prometheusContentType } from "../_shared/prometheus.ts";
import { runWorkerBatch, type JobLog, type WorkerBatchReport } from "../_shared/jobs/job-runner.ts";
import type { JobStore } from "../_shared/jobs/job-store.ts";
import type { WebhookSender } from "../_shared/jobs/webhook-sender.ts";

/** The worker's metrics: what batches count, and how `GET /metrics` and the totals get them. */
export interface WorkerMetricsOptions {
  /** Counted by every batch. */
  jobs: JobMetrics;
  /** The Prometheus text of `GET /metrics` (the queue gauges read fresh). */
  render(): Promise<string>;
  /** Adds this process's figures to the totals the gateway's `/metrics` shows; after each batch. */
  flush(): Promise<void>;
  /** Bearer token `GET /metrics` requires; open when undefined. */
  token?: string | undefined;
}

/** What the handler works with. */
export interface WorkerHandlerOptions {
  /** The job store. */
  store: JobStore;
  /** Runs a step through the gateway. */
  execute: StepExecutor;
  /** Delivers webhooks. */
  sendWebhook: WebhookSender;
  /** Bearer tokens accepted (`GATEWAY_API_KEYS`); with no wake-up token either, all are refused. */
  acceptedKeys: readonly string[];
  /** `JOB_WORKER_TOKEN`, accepted as well: the pg_cron wake-up's own token. */
  wakeUpToken?: string | undefined;
  /** See {@link runWorkerBatch}. */
  timeBudgetMs: number;
  /** Most steps per invocation. */
  maxSteps: number;
  /** `EdgeRuntime.waitUntil` on Supabase; without it the response waits for the batch. */
  waitUntil?: (work: Promise<unknown>) => void;
  /** Transition lines. */
  log: JobLog & { error(event: string, fields?: Record<string, unknown>): void };
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Job metrics; none are kept without them. */
  metrics?: WorkerMetricsOptions;
}

const encoder = new TextEncoder();

/** Compares two strings in time that depends only on their lengths. */
function sameText(left: string, right: string): boolean {
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }
  return difference === 0;
}

/** The bearer token of a request, if any. */
function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

/**
 * Creates the request handler.
 * @param options - see {@link WorkerHandlerOptions}.
 */
export function createWorkerHandler(
  options: WorkerHandlerOptions,
): (request: Request) => Promise<Response> {
  let invocation = 0;
  const instance = crypto.randomUUID().slice(0, 8);
  const runBatch = async (): Promise<WorkerBatchReport> => {
    invocation++;
    const report = await runWorkerBatch({
      store: options.store,
      execute: options.execute,
      sendWebhook: options.sendWebhook,
      owner: `job-worker:${instance}:${invocation}`,
      timeBudgetMs: options.timeBudgetMs,
      maxSteps: options.maxSteps,
      log: options.log,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics.jobs }),
    });
    options.log.info("job_worker_batch", { ...report });
    await options.metrics
      ?.flush()
      .catch((error: unknown) => options.log.warn("job_worker_metrics_flush_failed", { error }));
    return report;
  };

  const metrics = async (request: Request): Promise<Response> => {
    const expected = options.metrics?.token;
    if (expected !== undefined && !sameText(bearerToken(request) ?? "", expected)) {
      return json(401, {
        error: { message: "GET /metrics needs the metrics token", type: "authentication_error" },
      });
    }
    const text = options.metrics === undefined ? "" : await options.metrics.render();
    return new Response(text, {
      status: 200,
      headers: { "content-type": prometheusContentType, "cache-control": "no-store" },
    });
  };

  return async (request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path.endsWith("/health")) return json(200, { status: "ok" });
    if (request.method === "GET" && path.endsWith("/metrics")) return metrics(request);
    if (request.method !== "POST") {
      return json(405, {
        error: {
          message: "POST to run a batch; GET /health or /metrics",
          type: "invalid_request_error",
        },
      });
    }
    const token = bearerToken(request);
    const accepted =
      token !== undefined &&
      [...options.acceptedKeys, ...(options.wakeUpToken ? [options.wakeUpToken] : [])].some((key) =>
        sameText(key, token),
      );
    await request.body?.cancel();
    if (!accepted) {
      return json(401, {
        error: { message: "missing or unknown bearer token", type: "authentication_error" },
      });
    }
    if (options.waitUntil !== undefined) {
      options.waitUntil(
        runBatch().catch((error: unknown) =>
          options.log.error("job_worker_batch_failed", { error }),
        ),
      );
      return json(202, { status: "accepted" });
    }
    try {
      return json(200, await runBatch());
    } catch (error) {
      options.log.error("job_worker_batch_failed", { error });
      return json(500, {
        error: { message: "the batch failed; see the worker's log", type: "server_error" },
      });
    }
  };
}
