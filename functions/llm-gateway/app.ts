import { prometheusContentType } from "../_shared/prometheus.ts";
import { identifyCaller } from "./request/caller.ts";
import {
  ClientClosedRequestError,
  InternalGatewayError,
  isAttemptAbortedError,
  isGatewayError,
  MethodNotAllowedError,
  RouteNotFoundError,
  type GatewayError,
} from "./errors.ts";
import { errorResponse, jsonResponse, requestIdOf } from "./http.ts";
import { CorsPolicy } from "./request/cors.ts";
import { readJsonBody } from "./request/read-body.ts";
import { createRequestContext, type RequestContext } from "./request/request-context.ts";
import type { GatewayRuntime } from "./runtime.ts";
import { parseTraceparent } from "./telemetry/tracing.ts";
import { withSpan } from "./telemetry/spans.ts";
import { renderSnapshot, type MetricSnapshot } from "./telemetry/shared-metrics.ts";
import { statusData } from "./telemetry/status-data.ts";
import { statusPageHtml, statusPagePolicy, statusPageScript } from "./telemetry/status-page.ts";
import { sha256Hex } from "../_shared/sha256.ts";
import { refreshJobQueueGauges } from "../_shared/jobs/job-metrics.ts";
import { registerInternalDispatch } from "./pipeline/internal-dispatch.ts";

/** Supabase mounts the function under `/functions/v1/llm-gateway`, which reaches it as `/llm-gateway/...`. */
const mountPrefix = "/llm-gateway";

type Handler = (
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: NonNullable<RequestContext["caller"]>,
) => Promise<Response>;

/**
 * The request handlers are loaded on first use (the bundle puts them, with zod's request schemas
 * and cockatiel, in a split chunk): `/health` and `/metrics` after a cold start should not wait for
 * their evaluation. `loadPostHandlers` starts the load early, once the listener is up.
 */
const postRoutes: ReadonlyMap<string, () => Promise<Handler>> = new Map([
  [
    "/v1/chat/completions",
    () => import("./pipeline/handle-chat.ts").then((module) => module.handleChat),
  ],
  [
    "/v1/embeddings",
    () => import("./pipeline/handle-embeddings.ts").then((module) => module.handleEmbeddings),
  ],
  [
    "/v1/responses",
    () => import("./pipeline/handle-responses.ts").then((module) => module.handleResponses),
  ],
  [
    "/v1/jobs",
    () =>
      import("./pipeline/handle-job-submission.ts").then((module) => module.handleJobSubmission),
  ],
  [
    "/v1/cache/invalidate",
    () =>
      import("./pipeline/handle-cache-invalidation.ts").then(
        (module) => module.handleCacheInvalidation,
      ),
  ],
]);

/** Loads the request handlers and builds the request schemas, so the first request finds them ready. */
export async function loadPostHandlers(): Promise<void> {
  await Promise.all([...postRoutes.values()].map((load) => load()));
  const { warmUpValidation } = await import("./request/request-schema.ts");
  warmUpValidation();
}

/** The observability routes: `/metrics` and `/status.json` need the metrics token when one is set. */
const statusRoutes: ReadonlySet<string> = new Set([
  "/metrics",
  "/status",
  "/status.js",
  "/status.json",
]);

/**
 * A 401 unless the request carries `Authorization: Bearer <GATEWAY_METRICS_TOKEN>`; undefined when
 * it does or when no token is configured (local runs). Hashes are compared, so the comparison's
 * time says nothing about the token.
 */
function checkMetricsToken(
  request: Request,
  token: string | undefined,
  requestId: string,
): Response | undefined {
  if (token === undefined) return undefined;
  const header = request.headers.get("authorization") ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (presented !== "" && sha256Hex(presented) === sha256Hex(token)) return undefined;
  return jsonResponse(
    401,
    {
      error: {
        message: "This endpoint needs Authorization: Bearer <GATEWAY_METRICS_TOKEN>.",
        type: "authentication_error",
        param: null,
        code: "invalid_metrics_token",
      },
    },
    { "x-request-id": requestId, "www-authenticate": 'Bearer realm="metrics"' },
  );
}

/** The totals of every process when the store holds them, else (or when it fails) this process's. */
async function metricsSnapshot(runtime: GatewayRuntime): Promise<MetricSnapshot[]> {
  const shared = runtime.observability.sharedMetrics;
  try {
    return await shared.snapshot();
  } catch {
    return shared.localSnapshot();
  }
}

function staticResponse(body: string, contentType: string, requestId: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": contentType,
      "content-security-policy": statusPagePolicy,
      "x-content-type-options": "nosniff",
      "x-request-id": requestId,
      "cache-control": "no-cache",
    },
  });
}

function statusPage(requestId: string): Response {
  return staticResponse(statusPageHtml, "text/html; charset=utf-8", requestId);
}

function statusScript(requestId: string): Response {
  return staticResponse(statusPageScript, "text/javascript; charset=utf-8", requestId);
}

async function status(runtime: GatewayRuntime, requestId: string): Promise<Response> {
  const [states, spentToday] = await Promise.all([
    Promise.all(runtime.providerNames.map((name) => runtime.breaker.state(name))),
    runtime.budget.spentToday().catch(() => 0),
  ]);
  // The snapshot writes this process's changes (and today's figures) first.
  const snapshot = await metricsSnapshot(runtime);
  const [costToday, avoidedToday] = await Promise.all([
    runtime.observability.daily.today("llm_gateway_cost_usd_total").catch(() => 0),
    runtime.observability.daily.today("llm_gateway_cost_avoided_usd_total").catch(() => 0),
  ]);
  const breakers: Record<string, string> = {};
  runtime.providerNames.forEach((name, index) => (breakers[name] = states[index] as string));
  const data = statusData(
    snapshot,
    {
      spentTodayUsd: spentToday,
      costTodayUsd: costToday,
      avoidedTodayUsd: avoidedToday,
      capUsd: runtime.config.dailyCapUsd,
      breakers,
    },
    runtime.observability.recentErrors.list(),
    runtime.observability.sharedMetrics.shared,
  );
  return jsonResponse(200, data, { "x-request-id": requestId, "cache-control": "no-store" });
}

function normalisePath(pathname: string): string {
  let path = pathname;
  if (path === mountPrefix || path.startsWith(`${mountPrefix}/`))
    path = path.slice(mountPrefix.length) || "/";
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

async function health(runtime: GatewayRuntime, requestId: string): Promise<Response> {
  const [states, reachable] = await Promise.all([
    Promise.all(runtime.providerNames.map((name) => runtime.breaker.state(name))),
    runtime.store.ping().then(
      () => true,
      () => false,
    ),
  ]);
  const providers: Record<string, { breaker: string }> = {};
  runtime.providerNames.forEach((name, index) => {
    providers[name] = { breaker: states[index] as string };
  });
  const degraded = !reachable || states.some((state) => state === "open");
  // 503 lets an uptime check or a load balancer see the degradation without parsing the body.
  return jsonResponse(
    degraded ? 503 : 200,
    {
      status: degraded ? "degraded" : "ok",
      providers,
      store: { kind: runtime.store.kind, reachable },
    },
    { "x-request-id": requestId, "cache-control": "no-store" },
  );
}

async function metrics(runtime: GatewayRuntime, requestId: string): Promise<Response> {
  // Refresh the gauges that live in the store (and the job queue's, in the database); an outage
  // leaves their last values.
  await Promise.all([
    ...runtime.providerNames.map((name) => runtime.breaker.state(name)),
    runtime.budget.spentToday().catch(() => undefined),
    runtime.jobs === undefined
      ? undefined
      : refreshJobQueueGauges(runtime.jobMetrics, runtime.jobs),
  ]);
  return new Response(renderSnapshot(await metricsSnapshot(runtime)), {
    status: 200,
    headers: {
      "content-type": prometheusContentType,
      "x-request-id": requestId,
      "cache-control": "no-store",
    },
  });
}

/** The gateway as a `fetch`-style handler: `(request) => Promise<Response>`, for `Deno.serve` or tests. */
export function createGatewayHandler(
  runtime: GatewayRuntime,
): (request: Request) => Promise<Response> {
  const cors = new CorsPolicy(runtime.config.corsOrigins);
  const handle = createRequestHandler(runtime);
  registerInternalDispatch(runtime, handle);
  if (!cors.enabled) return handle;
  return async (request: Request): Promise<Response> => {
    if (request.method === "OPTIONS") {
      const path = normalisePath(new URL(request.url).pathname);
      return cors.preflight(request, postRoutes.has(path) ? "POST, OPTIONS" : "GET, HEAD, OPTIONS");
    }
    const response = await handle(request);
    const headers = cors.headersFor(request);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  };
}

/** Error bodies pass through the log redactor: provider text may carry keys or addresses. */
function redactedErrorResponse(
  runtime: GatewayRuntime,
  error: GatewayError,
  headers: Record<string, string>,
): Response {
  const body = error.toBody();
  body.error.message = runtime.redact(body.error.message);
  return jsonResponse(error.status, body, { ...headers, ...error.headers });
}

function createRequestHandler(runtime: GatewayRuntime): (request: Request) => Promise<Response> {
  const { config } = runtime;
  return async (request: Request): Promise<Response> => {
    const requestId = requestIdOf(request);
    const path = normalisePath(new URL(request.url).pathname);
    if (path === "/health" || path === "/v1/models" || statusRoutes.has(path)) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return errorResponse(new MethodNotAllowedError(request.method, path, "GET"), {
          "x-request-id": requestId,
        });
      }
      if (path === "/v1/models") return models(runtime, request, requestId);
      if (path === "/health") return health(runtime, requestId);
      if (path === "/status") return statusPage(requestId);
      if (path === "/status.js") return statusScript(requestId);
      const denied = checkMetricsToken(request, runtime.config.metricsToken, requestId);
      if (denied) return denied;
      return path === "/metrics" ? metrics(runtime, requestId) : status(runtime, requestId);
    }
    const jobId = jobIdOfPath(path);
    if (jobId !== undefined) return jobStatus(runtime, request, requestId, path, jobId);
    const loadHandler = postRoutes.get(path);
    if (!loadHandler) {
      runtime.metrics.requests.increment({
        route: "unknown",
        provider: "none",
        model: "none",
        status: "404",
      });
      return errorResponse(new RouteNotFoundError(path), { "x-request-id": requestId });
    }
    const deadlineAt = Date.now() + config.requestDeadlineMs;
    const span = runtime.tracer.startSpan(
      `POST ${path}`,
      "server",
      runtime.tracer.enabled ? parseTraceparent(request.headers.get("traceparent")) : undefined,
    );
    if (runtime.tracer.enabled) runtime.observability.traces.set(requestId, span.traceId);
    const context = createRequestContext(
      runtime,
      requestId,
      path,
      // Built on first use: a cache hit never needs the deadline timer or the combined signal.
      // A cleared timer rather than AbortSignal.timeout: finished requests leave no pending timer.
      () => {
        const deadline = new AbortController();
        const timer = setTimeout(
          () => deadline.abort(new DOMException("request deadline passed", "TimeoutError")),
          Math.max(0, deadlineAt - Date.now()),
        );
        return {
          scope: {
            signal: AbortSignal.any([request.signal, deadline.signal]),
            deadlineSignal: deadline.signal,
            deadlineAt,
            requestId,
            span: runtime.tracer.enabled ? span : undefined,
          },
          dispose: () => clearTimeout(timer),
        };
      },
      span,
    );
    try {
      // The request's span is active throughout, so store and database calls record under it
      // (or under the stage that makes them); with tracing off this is a plain call.
      return await runtime.tracer.withActiveSpan(span, async () => {
        if (request.method !== "POST") {
          throw new MethodNotAllowedError(request.method, path, "POST");
        }
        const caller = identifyCaller(request, runtime.apiKeyHashes);
        context.caller = caller;
        if (runtime.rateLimiter) await runtime.rateLimiter.check(caller.id);
        const body = await withSpan(runtime.tracer, "Parse", span, () =>
          readJsonBody(request, { maxBytes: config.maxBodyBytes, timeoutMs: config.bodyTimeoutMs }),
        );
        const handler = await loadHandler();
        const response = await handler(runtime, request, body, context, caller);
        if (!context.deferred) context.complete(response.status);
        runtime.observability.sharedMetrics.touch();
        return response;
      });
    } catch (caught) {
      const error = toClientError(caught, runtime, context);
      const response = redactedErrorResponse(runtime, error, {
        "x-request-id": requestId,
        "x-llm-cache": context.outcome.cache === "none" ? "bypass" : context.outcome.cache,
        "x-llm-attempts": String(context.outcome.attempts),
      });
      context.complete(error.status, error.message);
      runtime.observability.sharedMetrics.touch();
      if (error.status >= 500) {
        runtime.observability.recentErrors.add({
          time: new Date().toISOString(),
          route: path,
          status: error.status,
          message: runtime.redact(error.message),
          requestId,
        });
      }
      return response;
    }
  };
}

async function models(
  runtime: GatewayRuntime,
  request: Request,
  requestId: string,
): Promise<Response> {
  try {
    identifyCaller(request, runtime.apiKeyHashes);
  } catch (error) {
    if (isGatewayError(error)) return errorResponse(error, { "x-request-id": requestId });
    throw error;
  }
  const { listModels } = await import("./pipeline/handle-models.ts");
  return jsonResponse(200, listModels(runtime), { "x-request-id": requestId });
}

/** The `{id}` of `/v1/jobs/{id}`, or undefined for any other path. */
function jobIdOfPath(path: string): string | undefined {
  const prefix = "/v1/jobs/";
  if (!path.startsWith(prefix)) return undefined;
  const id = path.slice(prefix.length);
  return id === "" || id.includes("/") ? undefined : id;
}

/** `GET /v1/jobs/{id}`: authenticated and rate-limited like a POST route, without a body. */
async function jobStatus(
  runtime: GatewayRuntime,
  request: Request,
  requestId: string,
  path: string,
  jobId: string,
): Promise<Response> {
  try {
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new MethodNotAllowedError(request.method, path, "GET");
    }
    const caller = identifyCaller(request, runtime.apiKeyHashes);
    if (runtime.rateLimiter) await runtime.rateLimiter.check(caller.id);
    const { handleJobStatus } = await import("./pipeline/handle-job-status.ts");
    return await handleJobStatus(runtime, jobId, caller, requestId);
  } catch (error) {
    if (isGatewayError(error)) return errorResponse(error, { "x-request-id": requestId });
    throw error;
  }
}

function toClientError(
  caught: unknown,
  runtime: GatewayRuntime,
  context: RequestContext,
): GatewayError {
  if (isGatewayError(caught)) return caught;
  if (isAttemptAbortedError(caught)) return new ClientClosedRequestError();
  runtime.logger.error("internal_error", { requestId: context.requestId, error: caught });
  runtime.observability.errors.capture(caught, {
    requestId: context.requestId,
    route: context.route,
    traceId: context.span.traceId || undefined,
    spanId: context.span.spanId || undefined,
    tags: { kind: "internal" },
  });
  context.span.setAttribute("error.type", caught instanceof Error ? caught.name : "unknown");
  return new InternalGatewayError();
}
