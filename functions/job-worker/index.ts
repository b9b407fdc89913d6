/**
 * Entry of the job worker: a Supabase Edge Function woken every minute by pg_cron + pg_net
 * (supabase/migrations/*_jobs_schedule.sql), and `npm start`'s loop locally
 * (scripts/local-platform/job-worker-loop.ts). The only module that touches `Deno`.
 */
import { createDatabaseClient } from "../_shared/database/database-client.ts";
import { createGatewayStepExecutor } from "../_shared/jobs/gateway-step-executor.ts";
import { JobMetrics, refreshJobQueueGauges } from "../_shared/jobs/job-metrics.ts";
import { createJobStore } from "../_shared/jobs/job-store.ts";
import { createWebhookSender } from "../_shared/jobs/webhook-sender.ts";
import { createLogger } from "../_shared/logger.ts";
import { createRedactor } from "../_shared/redact.ts";
import { createStore } from "../_shared/store/create-store.ts";
import {
  canShareMetrics,
  renderSnapshot,
  SharedMetrics,
} from "../llm-gateway/telemetry/shared-metrics.ts";
import { JobWorkerConfigError, loadJobWorkerConfig } from "./config.ts";
import { createWorkerHandler } from "./handler.ts";

const environment = Deno.env.toObject();
let config;
try {
  config = loadJobWorkerConfig(environment);
} catch (error) {
  if (error instanceof JobWorkerConfigError) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        event: "invalid_config",
        message: error.message,
      }),
    );
    Deno.exit(1);
  }
  throw error;
}

const redact = createRedactor(
  [
    ...config.apiKeys,
    config.wakeUpToken,
    ...config.webhookSecrets.values(),
    config.store.upstashToken,
    config.store.redisUrl,
    config.metricsToken,
  ].filter((value): value is string => value !== undefined),
);
const logger = createLogger({ redact });
const database = createDatabaseClient({
  url: config.databaseUrl,
  timeoutMs: config.databaseTimeoutMs,
  log: logger,
});
const store = createJobStore({
  database,
  maxAttempts: config.maxAttempts,
  leaseMs: config.leaseMs,
  retryBaseMs: config.retryBaseMs,
  retryMaxMs: config.retryMaxMs,
  webhookMaxAttempts: config.webhookMaxAttempts,
  redact,
});
const [gatewayKey] = config.apiKeys;
const execute = createGatewayStepExecutor({
  gatewayUrl: config.gatewayUrl,
  apiKey: gatewayKey,
  timeoutMs: config.stepTimeoutMs,
});
// The job metrics go where the gateway's /metrics adds up every isolate's figures: the gateway's
// store (Upstash or Redis, the same variables). Without one they stay on this worker's /metrics.
const jobMetrics = new JobMetrics();
const metricsStore = await createStore({
  ...config.store,
  timeoutMs: 1000,
  onError: (operation, error) => logger.warn("store_error", { operation, reason: error.reason }),
});
const sharedMetrics = new SharedMetrics(
  canShareMetrics(metricsStore) ? metricsStore : undefined,
  jobMetrics.all(),
);
const edgeRuntime = (globalThis as { EdgeRuntime?: { waitUntil(work: Promise<unknown>): void } })
  .EdgeRuntime;
const handler = createWorkerHandler({
  store,
  execute,
  sendWebhook: createWebhookSender({ secrets: config.webhookSecrets }),
  acceptedKeys: config.apiKeys,
  wakeUpToken: config.wakeUpToken,
  timeBudgetMs: config.timeBudgetMs,
  maxSteps: config.maxStepsPerInvocation,
  log: logger,
  metrics: {
    jobs: jobMetrics,
    token: config.metricsToken,
    flush: () => sharedMetrics.flush(),
    render: async () => {
      await refreshJobQueueGauges(jobMetrics, store);
      return renderSnapshot(
        await sharedMetrics.snapshot().catch(() => sharedMetrics.localSnapshot()),
      );
    },
  },
  ...(edgeRuntime === undefined ? {} : { waitUntil: (work) => edgeRuntime.waitUntil(work) }),
});

// On Supabase's Edge Runtime the platform owns the listener; PORT/HOST only matter locally.
const onSupabase = environment.SUPABASE_URL !== undefined && environment.PORT === undefined;
const onListen = (address: { hostname: string; port: number }): void =>
  logger.info("listening", {
    url: `http://${address.hostname}:${address.port}`,
    function: "job-worker",
  });
const server = Deno.serve(
  onSupabase
    ? { onListen }
    : {
        port: Number(environment.PORT ?? 8001),
        hostname: environment.HOST ?? "127.0.0.1",
        onListen,
      },
  handler,
);

const shutdown = (): void => {
  setTimeout(() => Deno.exit(0), 5000);
  void server
    .shutdown()
    .then(() => sharedMetrics.close())
    .then(() => database.close())
    .then(() => metricsStore.close())
    .finally(() => Deno.exit(0));
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
