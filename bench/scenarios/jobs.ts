// Asynchronous jobs (docs/jobs.md) against an instant provider (the simulator, no latency), on
// PGlite: how long `POST /v1/jobs` takes to answer its 202 next to a cache hit of the same gateway
// (the seeds' target: within 2 ms), and how many jobs per second the job worker completes — the
// real worker function under Deno, woken by HTTP as pg_cron wakes it, one invocation at a time and
// four at once.
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import { gatewayEnv } from "../../test/support/gateway-env";
import { startGateway, type GatewayProcess } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import { runLoad, type LoadResult } from "../lib/load";
import { summarize } from "../lib/stats";

/** What the scenario measured. */
export interface JobsBenchResult {
  /** `POST /v1/jobs` answered 202, sequential, ms. */
  submitP50Ms: number;
  submitP99Ms: number;
  /** A cache hit of `POST /v1/chat/completions` on the same gateway, sequential, ms. */
  hitP50Ms: number;
  hitP99Ms: number;
  /** One-step jobs completed by one worker invocation at a time, per second. */
  jobsPerSecond: number;
  /** The same with four invocations at once (steps claimed with `for update skip locked`). */
  jobsPerSecondFourWorkers: number;
  /** Jobs in each throughput run. */
  jobs: number;
}

/** The bearer token the bench wakes the worker with (the worker's `GATEWAY_API_KEYS`). */
const workerKey = "bench-job-worker-key-0123456789";

const hitBody = JSON.stringify({
  model: "tier:default",
  temperature: 0,
  messages: [{ role: "user", content: "What is the capital of France? Answer in one word." }],
});

const jobBody = (index: number): string =>
  JSON.stringify({
    model: "tier:default",
    max_tokens: 20,
    // Unique per job, so that every step reaches the provider rather than the gateway's cache.
    messages: [{ role: "user", content: `Summarise report number ${index} in one line.` }],
  });

async function sequential(
  context: BenchContext,
  label: string,
  count: number,
  operation: (index: number) => Promise<boolean>,
): Promise<LoadResult> {
  const result = await runLoad(operation, {
    concurrency: 1,
    requests: count,
    warmup: 50,
    timeLimitMs: 20_000,
    onProgress: (done) => context.progress.counter(label, done, count),
  });
  context.progress.endCounter();
  return result;
}

/** Submits `count` jobs (not timed), four at a time. */
async function submitJobs(context: BenchContext, gateway: GatewayProcess, count: number) {
  let next = 0;
  const submitter = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const response = await context.client.post(`${gateway.url}/v1/jobs`, jobBody(index));
      if (response.status !== 202) throw new Error(`POST /v1/jobs answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, submitter));
}

/** Wakes the worker `invocations` at a time until every job succeeded; jobs per second. */
async function drain(
  context: BenchContext,
  worker: GatewayProcess,
  local: LocalDatabase,
  jobs: number,
  invocations: number,
): Promise<number> {
  const started = performance.now();
  const wake = async (): Promise<void> => {
    const response = await context.client.post(
      worker.url,
      "{}",
      { authorization: `Bearer ${workerKey}` },
      120_000,
    );
    if (response.status !== 200) throw new Error(`the worker answered ${response.status}`);
  };
  for (;;) {
    await Promise.all(Array.from({ length: invocations }, wake));
    const { rows } = await local.database.query<{ done: number }>(
      "select count(*)::integer as done from public.llm_jobs where status = 'succeeded'",
    );
    const done = rows[0]?.done ?? 0;
    context.progress.counter(`jobs completed, ${invocations} worker(s)`, done, jobs);
    if (done >= jobs) break;
  }
  context.progress.endCounter();
  return jobs / ((performance.now() - started) / 1000);
}

/** Measures submit latency against a cache hit, and the worker's throughput. */
export async function measureJobs(context: BenchContext): Promise<JobsBenchResult> {
  const simulator = await startProviderSimulator({ recordRequests: false, latencyMs: 0 });
  const local = await startLocalDatabase();
  const stops: Array<() => Promise<void>> = [() => local.stop(), () => simulator.close()];
  try {
    const gateway = await startGateway({
      captureOutput: false,
      env: gatewayEnv(simulator, {
        DATABASE_URL: local.url,
        LLM_REQUEST_DEADLINE_MS: "20000",
        LLM_ATTEMPT_TIMEOUT_MS: "10000",
      }),
    });
    stops.unshift(() => gateway.stop());

    const count = scaled(context, 2000, 100);
    const hits = await sequential(context, "cache hits", count, async () => {
      const response = await context.client.post(`${gateway.url}/v1/chat/completions`, hitBody);
      return response.status === 200 && response.headers["x-llm-cache"] === "hit";
    });
    const submits = await sequential(context, "job submissions", count, async (index) => {
      const response = await context.client.post(`${gateway.url}/v1/jobs`, jobBody(index));
      return response.status === 202;
    });
    const hit = summarize(hits.latencies);
    const submit = summarize(submits.latencies);
    context.progress.note(
      `submit p50 ${submit.p50.toFixed(2)} ms vs cache hit p50 ${hit.p50.toFixed(2)} ms ` +
        `(${submits.errors + hits.errors} errors)`,
    );
    await local.database.exec("delete from public.llm_jobs");

    const worker = await startGateway({
      captureOutput: false,
      entry: "functions/job-worker/index.ts",
      env: {
        DATABASE_URL: local.url,
        JOB_WORKER_GATEWAY_URL: gateway.url,
        GATEWAY_API_KEYS: workerKey,
        JOB_WORKER_MAX_STEPS: "1000",
        JOB_WORKER_TIME_BUDGET_MS: "60000",
      },
    });
    stops.unshift(() => worker.stop());
    const jobs = scaled(context, 1000, 50);
    await submitJobs(context, gateway, jobs);
    const jobsPerSecond = await drain(context, worker, local, jobs, 1);
    await local.database.exec("delete from public.llm_jobs");
    await submitJobs(context, gateway, jobs);
    const jobsPerSecondFourWorkers = await drain(context, worker, local, jobs, 4);
    context.progress.note(
      `${jobs} one-step jobs: ${jobsPerSecond.toFixed(0)} jobs/s with one worker invocation, ` +
        `${jobsPerSecondFourWorkers.toFixed(0)} jobs/s with four`,
    );
    return {
      submitP50Ms: submit.p50,
      submitP99Ms: submit.p99,
      hitP50Ms: hit.p50,
      hitP99Ms: hit.p99,
      jobsPerSecond,
      jobsPerSecondFourWorkers,
      jobs,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}
