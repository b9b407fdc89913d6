import { describe, expect, it } from "vitest";
import {
  renderSnapshot,
  SharedMetrics,
  type FieldStore,
} from "../../llm-gateway/telemetry/shared-metrics.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { JobMetrics, refreshJobQueueGauges } from "./job-metrics.ts";

/** The shared store's hash (Redis `HINCRBYFLOAT`/`HGETALL`), in memory. */
function fieldStore(): FieldStore {
  const hash = new Map<string, number>();
  return Object.assign(new MemoryStore(), {
    incrementFields: async (_key: string, amounts: ReadonlyMap<string, number>) => {
      for (const [field, amount] of amounts) hash.set(field, (hash.get(field) ?? 0) + amount);
    },
    getFields: async () =>
      Object.fromEntries([...hash].map(([key, value]) => [key, String(value)])),
  });
}

describe("JobMetrics", () => {
  it("counts an attempt by runner and outcome", () => {
    const metrics = new JobMetrics();

    metrics.recordAttempt("worker", { status: "completed", jobStatus: "running" }, 250);

    expect(metrics.stepAttempts.get({ runner: "worker", outcome: "completed" })).toBe(1);
  });

  it("counts a retry", () => {
    const metrics = new JobMetrics();

    metrics.recordAttempt("quick", { status: "retrying", nextAttemptAt: 0 }, 10);

    expect(metrics.retries.get({ runner: "quick" })).toBe(1);
  });

  it("observes the attempt's duration in seconds", () => {
    const metrics = new JobMetrics();

    metrics.recordAttempt("worker", { status: "failed" }, 1_500);

    expect(metrics.stepDuration.samples()).toContainEqual([
      "llm_gateway_job_step_duration_seconds_sum",
      1.5,
    ]);
  });

  it("counts a job that succeeded with its last step", () => {
    const metrics = new JobMetrics();

    metrics.recordAttempt("worker", { status: "completed", jobStatus: "succeeded" }, 1);

    expect(metrics.jobs.get({ status: "succeeded" })).toBe(1);
  });

  it("counts a job that failed with a step", () => {
    const metrics = new JobMetrics();

    metrics.recordAttempt("worker", { status: "failed" }, 1);

    expect(metrics.jobs.get({ status: "failed" })).toBe(1);
  });

  it("names the queue depth as the alert rule LlmGatewayJobQueueBacklog reads it", async () => {
    const metrics = new JobMetrics();

    await refreshJobQueueGauges(metrics, {
      stats: () =>
        Promise.resolve({
          status: "ok",
          stats: { queueDepth: 7, queuedSteps: 9, runningSteps: 2 },
        }),
    });

    expect(metrics.queueDepth.render()).toContain("\nllm_gateway_jobs_queue_depth 7\n");
  });

  it("keeps the last queue figures when the database is unavailable", async () => {
    const metrics = new JobMetrics();
    metrics.setQueue({ queueDepth: 3, queuedSteps: 3, runningSteps: 0 });

    await refreshJobQueueGauges(metrics, {
      stats: () => Promise.resolve({ status: "unavailable" }),
    });

    expect(metrics.queueDepth.get()).toBe(3);
  });

  it("reaches the gateway's /metrics from the worker through the shared store", async () => {
    const store = fieldStore();
    const worker = new JobMetrics();
    const gateway = new JobMetrics();
    worker.recordAttempt("worker", { status: "completed", jobStatus: "succeeded" }, 120);
    await new SharedMetrics(store, worker.all()).flush();

    const text = renderSnapshot(await new SharedMetrics(store, gateway.all()).snapshot());

    expect(text).toContain(
      'llm_gateway_job_step_attempts_total{runner="worker",outcome="completed"} 1\n',
    );
  });
});
