import type { Logger } from "../../_shared/logger.ts";
import type { Counter } from "../../_shared/prometheus.ts";
import type { Store } from "../../_shared/store/store.ts";
import { loadActiveSpanStorage } from "./active-span.ts";
import type { GatewayConfig } from "../config.ts";
import { DailyTotals } from "./daily-totals.ts";
import { noopErrorReporter, SentryReporter, type ErrorReporter } from "./error-reporter.ts";
import type { GatewayMetrics } from "./gateway-metrics.ts";
import { OtlpMetricsExporter } from "./otlp-metrics.ts";
import { RecentErrors } from "./recent-errors.ts";
import { canShareMetrics, SharedMetrics, type SharedMetricsOptions } from "./shared-metrics.ts";
import { noopTracer, OtlpTracer, type SamplerName, type Tracer } from "./tracing.ts";

/**
 * Trace ids of the requests in flight by request id, so that every log line naming a request
 * carries its trace id. Bounded: a streamed request's entry is dropped by age, not by a callback.
 */
export class TraceIndex {
  private readonly traceIds = new Map<string, string>();

  constructor(private readonly limit = 1000) {}

  /** Remembers a request's trace. */
  set(requestId: string, traceId: string): void {
    if (this.traceIds.size >= this.limit) {
      const oldest = this.traceIds.keys().next().value;
      if (oldest !== undefined) this.traceIds.delete(oldest);
    }
    this.traceIds.set(requestId, traceId);
  }

  /** The trace of a request, if known. */
  get(requestId: string): string | undefined {
    return this.traceIds.get(requestId);
  }
}

/**
 * The tracer the environment asks for: OTLP when an endpoint is set, else the no-op one. Only the
 * OTLP tracer loads the async context that parents store and database spans (active-span.ts).
 */
export async function createTracer(config: GatewayConfig, logger: Logger): Promise<Tracer> {
  if (config.otlpEndpoint === undefined && config.otlpTracesEndpoint === undefined)
    return noopTracer;
  if (config.tracesSampler === "always_off") return noopTracer;
  return new OtlpTracer({
    activeSpans: await loadActiveSpanStorage(),
    endpoint: config.otlpEndpoint,
    tracesEndpoint: config.otlpTracesEndpoint,
    headers: config.otlpHeaders,
    serviceName: config.serviceName,
    sampler: config.tracesSampler as SamplerName,
    samplerArgument: config.tracesSamplerArgument,
    onError: (error) => logger.debug("otlp_export_failed", { error }),
  });
}

/** Metrics totals, daily figures, recent errors and error reports: what /metrics and /status read. */
export interface Observability {
  /** Counters and histograms, added up through the store when it can. */
  sharedMetrics: SharedMetrics;
  /** Today's cost and avoided cost. */
  daily: DailyTotals;
  /** Last failed requests of this process. */
  recentErrors: RecentErrors;
  /** Sentry, or the no-op reporter. */
  errors: ErrorReporter;
  /** Trace ids of requests in flight, for log lines. */
  traces: TraceIndex;
  /** Stops timers and writes what is left. */
  close(): Promise<void>;
}

/** Seams for tests. */
export interface ObservabilityOverrides {
  /** Timer and batch settings of the metrics writes. */
  sharedMetrics?: Omit<SharedMetricsOptions, "beforeWrite">;
}

/** Builds the observability parts from the config and the runtime's store and metrics. */
export function createObservability(
  config: GatewayConfig,
  store: Store,
  metrics: Pick<GatewayMetrics, "all">,
  logger: Logger,
  redact: (text: string) => string,
  traces: TraceIndex,
  overrides: ObservabilityOverrides = {},
): Observability {
  const all = metrics.all();
  const dailyCounters = all.filter(
    (metric): metric is Counter =>
      metric.name === "llm_gateway_cost_usd_total" ||
      metric.name === "llm_gateway_cost_avoided_usd_total",
  );
  const daily = new DailyTotals(store, dailyCounters);
  const metricsUrl =
    config.otlpMetricsEndpoint ??
    (config.otlpEndpoint === undefined ? undefined : `${config.otlpEndpoint}/v1/metrics`);
  const exporter =
    config.metricsExporter === "otlp" && metricsUrl !== undefined
      ? new OtlpMetricsExporter({
          url: metricsUrl,
          headers: config.otlpHeaders,
          serviceName: config.serviceName,
          onError: (error) => logger.debug("otlp_metrics_push_failed", { error }),
        })
      : undefined;
  const sharedMetrics: SharedMetrics = new SharedMetrics(
    canShareMetrics(store) ? store : undefined,
    all,
    {
      flushIntervalMs: config.metricsFlushMs,
      ...overrides.sharedMetrics,
      beforeWrite: async () => {
        await daily.write();
        if (exporter) await exporter.push(sharedMetrics.localSnapshot());
      },
    },
  );
  const errors: ErrorReporter = config.sentryDsn
    ? new SentryReporter({
        dsn: config.sentryDsn,
        redact,
        environment: config.environmentName,
        serverName: config.serviceName,
        onError: (error) => logger.debug("sentry_send_failed", { error }),
      })
    : noopErrorReporter;
  return {
    sharedMetrics,
    daily,
    recentErrors: new RecentErrors(),
    errors,
    traces,
    close: async () => {
      await sharedMetrics.close();
      if (errors instanceof SentryReporter) await errors.flush();
    },
  };
}
