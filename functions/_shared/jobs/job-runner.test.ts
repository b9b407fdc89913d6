import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGatewayStepExecutor, type StepResult } from "./gateway-step-executor.ts";
import { JobMetrics } from "./job-metrics.ts";
import { runQuickJob, runWorkerBatch, type WorkerBatchOptions } from "./job-runner.ts";
import type { JobStore } from "./job-store.ts";
import type { JobSubmission } from "./job-types.ts";
import { createTestClock, startJobDatabase, type JobDatabase } from "./test/job-database.ts";
import { chatCompletion, startLoopbackHttp, type LoopbackHttp } from "./test/loopback-http.ts";
import { createWebhookSender } from "./webhook-sender.ts";
import { verifyWebhookSignature } from "./webhook-signature.ts";

const clock = createTestClock();
const serviceKey = "gw_service_key_for_jobs";
const webhookSecret = "whsec_test_secret_0123456789";
let database: JobDatabase;
let store: JobStore;
let gateway: LoopbackHttp;
let receiver: LoopbackHttp;

const caller = "job:caller-scope";
const twoSteps: JobSubmission = {
  steps: [
    { model: "tier:default", messages: [{ role: "user", content: "Outline the report" }] },
    { model: "tier:smart", messages: [{ role: "user", content: "Expand: {{steps.0.output}}" }] },
  ],
};

beforeAll(async () => {
  database = await startJobDatabase(clock);
  store = database.store({ leaseMs: 60_000, retryBaseMs: 1_000, maxAttempts: 3 });
  gateway = await startLoopbackHttp();
  receiver = await startLoopbackHttp();
});

afterAll(async () => {
  await gateway?.close();
  await receiver?.close();
  await database?.stop();
});

beforeEach(async () => {
  await database.clear();
  gateway.reset();
  receiver.reset();
  gateway.answer((request) => {
    const body = JSON.parse(request.body) as { messages: Array<{ content: string }> };
    return { status: 200, body: chatCompletion(`answer to "${body.messages[0]?.content}"`) };
  });
  receiver.answer(() => ({ status: 204, body: {} }));
});

function batchOptions(overrides: Partial<WorkerBatchOptions> = {}): WorkerBatchOptions {
  return {
    store,
    execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey }),
    sendWebhook: createWebhookSender({ secrets: new Map([["default", webhookSecret]]) }),
    owner: "test-worker",
    timeBudgetMs: 60_000,
    now: clock.now,
    ...overrides,
  };
}

async function submitted(submission: JobSubmission): Promise<string> {
  const outcome = await store.submit(caller, submission);
  if (outcome.status !== "created") throw new Error(`submit gave ${outcome.status}`);
  return outcome.job.id;
}

async function job(id: string) {
  const outcome = await store.get(caller, id);
  if (outcome.status !== "found") throw new Error(`get gave ${outcome.status}`);
  return outcome.job;
}

/** Waits until the job's first step has `status` (a run in the background got that far). */
async function waitForStepStatus(id: string, status: string): Promise<void> {
  for (let check = 0; check < 200; check++) {
    if ((await job(id)).steps[0]?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`step 0 of ${id} never became ${status}`);
}

describe("a worker batch", () => {
  it("runs every step of a job through the gateway's chat endpoint", async () => {
    const id = await submitted(twoSteps);

    const report = await runWorkerBatch(batchOptions());

    expect(report).toMatchObject({ claimed: 2, completed: 2, stoppedBecause: "idle" });
    expect((await job(id)).result).toEqual(
      chatCompletion('answer to "Expand: answer to "Outline the report""'),
    );
  });

  it("calls the gateway with the service key, the job's caller scope and no streaming", async () => {
    await submitted(twoSteps);

    await runWorkerBatch(batchOptions());

    const [first] = gateway.received;
    expect(first?.path).toBe("/v1/chat/completions");
    expect(first?.headers.authorization).toBe(`Bearer ${serviceKey}`);
    expect(first?.headers["x-job-caller-scope"]).toBe(caller);
    expect(JSON.parse(first?.body ?? "{}")).toMatchObject({ model: "tier:default", stream: false });
  });

  it("retries a step the gateway failed once, on the wake-up after its back-off", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    let calls = 0;
    gateway.answer(() =>
      ++calls === 1
        ? { status: 503, body: { error: { message: "all candidates failed" } } }
        : { status: 200, body: chatCompletion("recovered") },
    );

    const first = await runWorkerBatch(batchOptions());
    clock.advance(1_000);
    const second = await runWorkerBatch(batchOptions());

    expect(first).toMatchObject({ retried: 1, completed: 0 });
    expect(second).toMatchObject({ completed: 1 });
    expect(await job(id)).toMatchObject({
      status: "succeeded",
      result: chatCompletion("recovered"),
    });
  });

  it("fails the job with the gateway's error after the configured attempts", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    gateway.answer(() => ({ status: 503, body: { error: { message: "all candidates failed" } } }));

    for (let wakeUp = 0; wakeUp < 3; wakeUp++) {
      await runWorkerBatch(batchOptions());
      clock.advance(10_000);
    }

    expect(await job(id)).toMatchObject({
      status: "failed",
      error: "gateway answered 503: all candidates failed",
    });
    expect(gateway.received).toHaveLength(3);
  });

  it("does not retry a request the gateway rejected", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    gateway.answer(() => ({ status: 400, body: { error: { message: "unknown tier" } } }));

    await runWorkerBatch(batchOptions());

    expect(await job(id)).toMatchObject({
      status: "failed",
      error: "gateway answered 400: unknown tier",
    });
    expect(gateway.received).toHaveLength(1);
  });

  it("finishes a step once after the worker running it was killed", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    // The first worker claims the step and dies before recording anything.
    const killed = await store.claimStep("killed-worker");
    if (killed.status !== "claimed") throw new Error("nothing claimed");

    const beforeExpiry = await runWorkerBatch(batchOptions());
    clock.advance(60_000);
    const afterExpiry = await runWorkerBatch(batchOptions());
    const lateCompletion = await store.completeStep(killed.step, chatCompletion("zombie"));

    expect(beforeExpiry.claimed).toBe(0);
    expect(afterExpiry).toMatchObject({ claimed: 1, completed: 1 });
    expect(lateCompletion).toEqual({ status: "ignored" });
    const view = await job(id);
    expect(view.result).toEqual(chatCompletion('answer to "Outline the report"'));
    expect(view.steps[0]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("counts its attempts, retries and durations in the job metrics", async () => {
    await submitted({ steps: [twoSteps.steps[0]!] });
    gateway.answer(() => ({ status: 503, body: { error: { message: "all candidates failed" } } }));
    const metrics = new JobMetrics();

    await runWorkerBatch(batchOptions({ metrics }));

    expect({
      retrying: metrics.stepAttempts.get({ runner: "worker", outcome: "retrying" }),
      retries: metrics.retries.get({ runner: "worker" }),
      durations: metrics.stepDuration.samples().find(([name]) => name.endsWith("_count"))?.[1],
    }).toEqual({ retrying: 1, retries: 1, durations: 1 });
  });

  it("counts a job that failed because its last attempt's lease expired", async () => {
    await submitted({ steps: [twoSteps.steps[0]!], maxAttempts: 1 });
    await store.claimStep("killed-worker");
    clock.advance(60_000);
    const metrics = new JobMetrics();

    await runWorkerBatch(batchOptions({ metrics }));

    expect(metrics.jobs.get({ status: "failed" })).toBe(1);
  });

  it("stops claiming once its time budget is spent", async () => {
    await submitted(twoSteps);
    const execute = createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey });

    const report = await runWorkerBatch(
      batchOptions({
        timeBudgetMs: 5_000,
        execute: async (step, signal) => {
          clock.advance(5_000);
          return execute(step, signal);
        },
      }),
    );

    expect(report).toMatchObject({ claimed: 1, stoppedBecause: "time_budget" });
  });
});

describe("the completion webhook", () => {
  const withWebhook = (): JobSubmission => ({
    steps: [twoSteps.steps[0]!],
    webhook: { url: `${receiver.url}/hooks/jobs`, secretName: "default" },
  });

  it("is POSTed with the job and an HMAC-SHA256 signature of the body", async () => {
    const id = await submitted(withWebhook());

    await runWorkerBatch(batchOptions());

    const [delivery] = receiver.received;
    expect(delivery?.path).toBe("/hooks/jobs");
    expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({ id, status: "succeeded" });
    const signature = delivery?.headers["x-job-signature"] as string;
    expect(await verifyWebhookSignature(webhookSecret, delivery?.body ?? "", signature)).toBe(true);
  });

  it("is signed with the job's secret, not any other", async () => {
    await submitted(withWebhook());

    await runWorkerBatch(batchOptions());

    const [delivery] = receiver.received;
    const signature = delivery?.headers["x-job-signature"] as string;
    expect(
      await verifyWebhookSignature("another-secret-0123456789", delivery?.body ?? "", signature),
    ).toBe(false);
  });

  it("is retried after a failed delivery until the receiver accepts it", async () => {
    const id = await submitted(withWebhook());
    let deliveries = 0;
    receiver.answer(() =>
      ++deliveries === 1 ? { status: 500, body: {} } : { status: 200, body: {} },
    );

    const first = await runWorkerBatch(batchOptions());
    clock.advance(10_000);
    const second = await runWorkerBatch(batchOptions());

    expect(first).toMatchObject({ webhooksFailed: 1, webhooksDelivered: 0 });
    expect(second).toMatchObject({ webhooksDelivered: 1 });
    expect((await job(id)).webhook).toEqual({ status: "delivered", attempts: 2 });
  });

  it("counts each delivery attempt by outcome", async () => {
    await submitted(withWebhook());
    receiver.answer(() => ({ status: 500, body: {} }));
    const metrics = new JobMetrics();

    await runWorkerBatch(batchOptions({ metrics }));

    expect(metrics.webhooks.get({ outcome: "retrying" })).toBe(1);
  });
});

describe("a quick job", () => {
  it("finishes inline within its time bound", async () => {
    const id = await submitted(twoSteps);

    const result = await runQuickJob({
      store,
      execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey }),
      jobId: id,
      timeBudgetMs: 60_000,
      owner: "quick",
      now: clock.now,
    });

    expect(result).toEqual({ status: "finished", jobStatus: "succeeded" });
  });

  it("hands a step still running at its bound to the worker, without spending an attempt", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    gateway.answer(() => "hang");

    const result = await runQuickJob({
      store,
      execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey }),
      jobId: id,
      timeBudgetMs: 200,
      owner: "quick",
    });

    expect(result).toEqual({ status: "handed_over", reason: "time_budget" });
    expect((await job(id)).steps[0]).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("holds its step only until shortly after its bound, so the worker takes over a stalled run", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    let finishQuickAttempt: (result: StepResult) => void = () => undefined;
    const quick = runQuickJob({
      store,
      execute: () => new Promise((resolve) => (finishQuickAttempt = resolve)),
      jobId: id,
      timeBudgetMs: 15_000,
      leaseMarginMs: 5_000,
      owner: "quick",
      now: clock.now,
    });
    await waitForStepStatus(id, "running");

    const whileLeased = await runWorkerBatch(batchOptions());
    clock.advance(20_000);
    const afterLease = await runWorkerBatch(batchOptions());
    finishQuickAttempt({ ok: true, output: chatCompletion("late quick answer") });

    expect(whileLeased.claimed).toBe(0);
    expect(afterLease).toMatchObject({ claimed: 1, completed: 1 });
    expect(await quick).toEqual({ status: "handed_over", reason: "taken_over" });
    expect((await job(id)).result).toEqual(chatCompletion('answer to "Outline the report"'));
  });

  it("counts its attempts as the quick runner's", async () => {
    const id = await submitted(twoSteps);
    const metrics = new JobMetrics();

    await runQuickJob({
      store,
      execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey }),
      jobId: id,
      timeBudgetMs: 60_000,
      owner: "quick",
      now: clock.now,
      metrics,
    });

    expect(metrics.stepAttempts.get({ runner: "quick", outcome: "completed" })).toBe(2);
    expect(metrics.jobs.get({ status: "succeeded" })).toBe(1);
  });

  it("leaves a handed-over job for the worker, which finishes it", async () => {
    const id = await submitted({ steps: [twoSteps.steps[0]!] });
    gateway.answer(() => "hang");
    await runQuickJob({
      store,
      execute: createGatewayStepExecutor({ gatewayUrl: gateway.url, apiKey: serviceKey }),
      jobId: id,
      timeBudgetMs: 200,
      owner: "quick",
    });
    gateway.answer(() => ({ status: 200, body: chatCompletion("finished by the worker") }));

    await runWorkerBatch(batchOptions());

    expect((await job(id)).result).toEqual(chatCompletion("finished by the worker"));
  });
});
