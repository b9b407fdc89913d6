import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobStore } from "./job-store.ts";
import type { ClaimedStep, JobSubmission } from "./job-types.ts";
import { chatCompletion } from "./test/loopback-http.ts";
import { createTestClock, startJobDatabase, type JobDatabase } from "./test/job-database.ts";

const clock = createTestClock();
let database: JobDatabase;
let store: JobStore;

const alice = "job:alice-scope";
const bob = "job:bob-scope";

const oneStep: JobSubmission = {
  steps: [{ model: "tier:default", messages: [{ role: "user", content: "Hello" }] }],
};
const twoSteps: JobSubmission = {
  steps: [
    { model: "tier:default", messages: [{ role: "user", content: "List three risks" }] },
    {
      model: "tier:default",
      messages: [{ role: "user", content: "Rank these: {{steps.0.output}}" }],
      temperature: 0,
    },
  ],
};

beforeAll(async () => {
  database = await startJobDatabase(clock);
  store = database.store({ leaseMs: 60_000, retryBaseMs: 1_000, maxAttempts: 3 });
});

afterAll(async () => {
  await database?.stop();
});

beforeEach(async () => {
  await database.clear();
});

async function submitted(submission: JobSubmission, scope = alice): Promise<string> {
  const outcome = await store.submit(scope, submission);
  if (outcome.status !== "created") throw new Error(`submit gave ${outcome.status}`);
  return outcome.job.id;
}

async function claimed(owner = "test-worker", jobId?: string): Promise<ClaimedStep> {
  const outcome = await store.claimStep(owner, jobId === undefined ? {} : { jobId });
  if (outcome.status !== "claimed") throw new Error(`claim gave ${outcome.status}`);
  return outcome.step;
}

async function job(id: string, scope = alice) {
  const outcome = await store.get(scope, id);
  if (outcome.status !== "found") throw new Error(`get gave ${outcome.status}`);
  return outcome.job;
}

describe("submitting a job", () => {
  it("stores it queued with its steps, the first runnable", async () => {
    const id = await submitted(twoSteps);

    const view = await job(id);
    expect(view).toMatchObject({ status: "queued", currentStep: 0, stepCount: 2, maxAttempts: 3 });
    expect(view.steps.map((step) => step.status)).toEqual(["queued", "pending"]);
  });

  it("answers a new job with the view a read of it returns", async () => {
    const outcome = await store.submit(alice, {
      ...twoSteps,
      webhook: { url: "https://example.com/hook", secretName: "default" },
    });
    if (outcome.status !== "created") throw new Error(`submit gave ${outcome.status}`);

    expect(outcome.job).toEqual(await job(outcome.job.id));
  });

  it("returns the existing job for a repeated idempotency key of the same caller", async () => {
    const first = await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });
    const second = await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });

    expect(first.status).toBe("created");
    expect(second.status).toBe("existing");
    expect(second.status === "existing" && first.status === "created" && second.job.id).toBe(
      first.status === "created" && first.job.id,
    );
  });

  it("stores one row for a repeated idempotency key", async () => {
    await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });
    await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });

    const rows = await database.local.database.query<{ count: number }>(
      "select count(*)::int as count from public.llm_jobs",
    );
    expect(rows.rows[0]?.count).toBe(1);
  });

  it("reports a conflict when the key was used for another job", async () => {
    await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });

    const outcome = await store.submit(alice, { ...twoSteps, idempotencyKey: "report-42" });

    expect(outcome.status).toBe("conflict");
  });

  it("keeps idempotency keys apart between callers", async () => {
    await store.submit(alice, { ...oneStep, idempotencyKey: "report-42" });

    const outcome = await store.submit(bob, { ...oneStep, idempotencyKey: "report-42" });

    expect(outcome.status).toBe("created");
  });
});

describe("reading a job", () => {
  it("does not find another caller's job", async () => {
    const id = await submitted(oneStep, alice);

    expect(await store.get(bob, id)).toEqual({ status: "not_found" });
  });

  it("does not find an id that is not a UUID", async () => {
    expect(await store.get(alice, "'; drop table public.llm_jobs; --")).toEqual({
      status: "not_found",
    });
  });
});

describe("running steps", () => {
  it("completes a two-step job, the second step quoting the first's output", async () => {
    const id = await submitted(twoSteps);
    const first = await claimed();
    await store.completeStep(first, chatCompletion("flood, fire, theft"));

    const second = await claimed();
    expect(second.request.messages[0]?.content).toBe("Rank these: flood, fire, theft");
    await store.completeStep(second, chatCompletion("1. fire"));

    const view = await job(id);
    expect(view.status).toBe("succeeded");
    expect(view.result).toEqual(chatCompletion("1. fire"));
    expect(view.steps.map((step) => step.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("claims nothing while a step's lease holds", async () => {
    await submitted(oneStep);
    await claimed();

    expect(await store.claimStep("second-worker")).toEqual({ status: "none", expiredJobs: [] });
  });

  it("names the job's caller scope on the claimed step", async () => {
    await submitted(oneStep, bob);

    expect((await claimed()).callerScope).toBe(bob);
  });

  it("retries a failed step after its back-off, then completes it", async () => {
    const id = await submitted(oneStep);
    const first = await claimed();
    const failed = await store.failStep(first, "gateway answered 503", { retryable: true });
    expect(failed).toEqual({ status: "retrying", nextAttemptAt: clock.now() + 1_000 });
    expect(await store.claimStep("early")).toEqual({ status: "none", expiredJobs: [] });

    clock.advance(1_000);
    const second = await claimed();
    await store.completeStep(second, chatCompletion("done"));

    const view = await job(id);
    expect(view.status).toBe("succeeded");
    expect(view.steps[0]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("doubles the back-off with each attempt", async () => {
    await submitted(oneStep);
    await store.failStep(await claimed(), "503", { retryable: true });
    clock.advance(1_000);

    const second = await store.failStep(await claimed(), "503", { retryable: true });

    expect(second).toEqual({ status: "retrying", nextAttemptAt: clock.now() + 2_000 });
  });

  it("fails the job with its last error once the attempts are spent", async () => {
    const id = await submitted(oneStep);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await store.failStep(await claimed(), `gateway answered 503 (attempt ${attempt})`, {
        retryable: true,
      });
      clock.advance(10_000);
    }

    const view = await job(id);
    expect(view).toMatchObject({ status: "failed", error: "gateway answered 503 (attempt 3)" });
    expect(view.steps[0]).toMatchObject({ status: "failed", attempts: 3 });
    expect(await store.claimStep("after")).toEqual({ status: "none", expiredJobs: [] });
  });

  it("fails the job at once on an error that is not retryable", async () => {
    const id = await submitted(oneStep);

    const outcome = await store.failStep(await claimed(), "gateway answered 400", {
      retryable: false,
    });

    expect(outcome).toEqual({ status: "failed" });
    expect((await job(id)).status).toBe("failed");
  });

  it("redacts keys from the stored error", async () => {
    const id = await submitted(oneStep);

    await store.failStep(await claimed(), "rejected key sk-abcdefghijklmnop", { retryable: false });

    expect((await job(id)).error).toBe("rejected key [REDACTED]");
  });
});

describe("leases", () => {
  it("lets another worker claim a step whose lease expired", async () => {
    await submitted(oneStep);
    const first = await claimed("dead-worker");
    clock.advance(60_000);

    const second = await claimed("next-worker");

    expect(second).toMatchObject({ jobId: first.jobId, index: 0, attempt: 2 });
    expect(second.leaseToken).not.toBe(first.leaseToken);
  });

  it("ignores a completion from a holder whose lease was claimed again", async () => {
    const id = await submitted(oneStep);
    const stale = await claimed("slow-worker");
    clock.advance(60_000);
    const current = await claimed("next-worker");

    expect(await store.completeStep(stale, chatCompletion("late"))).toEqual({ status: "ignored" });
    await store.completeStep(current, chatCompletion("fresh"));
    expect((await job(id)).result).toEqual(chatCompletion("fresh"));
  });

  it("ignores a step completed twice", async () => {
    const id = await submitted(twoSteps);
    const first = await claimed();
    await store.completeStep(first, chatCompletion("once"));

    expect(await store.completeStep(first, chatCompletion("twice"))).toEqual({ status: "ignored" });
    expect((await job(id)).steps[0]?.output).toEqual(chatCompletion("once"));
  });

  it("ignores a failure reported after the step completed", async () => {
    const id = await submitted(oneStep);
    const step = await claimed();
    await store.completeStep(step, chatCompletion("done"));

    expect(await store.failStep(step, "late failure", { retryable: true })).toEqual({
      status: "ignored",
    });
    expect((await job(id)).status).toBe("succeeded");
  });

  it("fails the job when the lease of its last attempt expires", async () => {
    const id = await submitted({ ...oneStep, maxAttempts: 1 });
    await claimed("dead-worker");
    clock.advance(60_000);

    expect(await store.claimStep("next-worker")).toEqual({ status: "none", expiredJobs: [id] });
    expect(await job(id)).toMatchObject({
      status: "failed",
      error: "the worker stopped during the last attempt (its lease expired)",
    });
  });

  it("holds a claim for the lease it asks for, not the store's", async () => {
    await submitted(oneStep);
    const outcome = await store.claimStep("quick", { leaseMs: 5_000 });
    if (outcome.status !== "claimed") throw new Error(`claim gave ${outcome.status}`);
    clock.advance(5_000);

    expect((await claimed("worker")).attempt).toBe(2);
  });

  it("gives a released step back without spending an attempt", async () => {
    await submitted(oneStep);
    const step = await claimed();
    await store.releaseStep(step);

    expect((await claimed()).attempt).toBe(1);
  });
});

describe("queue stats", () => {
  it("count a queued step as due, and a running one as running", async () => {
    await submitted(oneStep);
    await submitted(oneStep);
    await claimed();

    expect(await store.stats()).toEqual({
      status: "ok",
      stats: { queueDepth: 1, queuedSteps: 1, runningSteps: 1 },
    });
  });

  it("count a step waiting for its back-off as queued but not due", async () => {
    await submitted(oneStep);
    await store.failStep(await claimed(), "gateway answered 503", { retryable: true });

    expect(await store.stats()).toEqual({
      status: "ok",
      stats: { queueDepth: 0, queuedSteps: 1, runningSteps: 0 },
    });
  });

  it("count a running step whose lease expired as due", async () => {
    await submitted(oneStep);
    await claimed("dead-worker");
    clock.advance(60_000);

    expect(await store.stats()).toEqual({
      status: "ok",
      stats: { queueDepth: 1, queuedSteps: 0, runningSteps: 1 },
    });
  });

  it("leave out pending steps behind a queued one", async () => {
    await submitted(twoSteps);

    expect(await store.stats()).toMatchObject({ stats: { queueDepth: 1, queuedSteps: 1 } });
  });
});

describe("cancelling", () => {
  it("cancels a queued job and its steps", async () => {
    const id = await submitted(twoSteps);

    const outcome = await store.cancel(alice, id);

    expect(outcome.status === "found" && outcome.job.status).toBe("cancelled");
    expect(await store.claimStep("worker")).toEqual({ status: "none", expiredJobs: [] });
  });

  it("ignores the result of a step that was running when its job was cancelled", async () => {
    const id = await submitted(oneStep);
    const step = await claimed();
    await store.cancel(alice, id);

    expect(await store.completeStep(step, chatCompletion("late"))).toEqual({ status: "ignored" });
  });

  it("does not cancel another caller's job", async () => {
    const id = await submitted(oneStep, alice);

    expect(await store.cancel(bob, id)).toEqual({ status: "not_found" });
    expect((await job(id)).status).toBe("queued");
  });
});

describe("webhooks", () => {
  const withWebhook: JobSubmission = {
    ...oneStep,
    webhook: { url: "https://example.com/hooks/jobs", secretName: "default" },
  };

  it("are due once the job is final", async () => {
    const id = await submitted(withWebhook);
    expect(await store.claimWebhook()).toEqual({ status: "none" });
    await store.completeStep(await claimed(), chatCompletion("done"));

    const outcome = await store.claimWebhook();

    expect(outcome.status === "claimed" && outcome.webhook).toMatchObject({
      jobId: id,
      url: "https://example.com/hooks/jobs",
      secretName: "default",
      attempt: 1,
      job: { id, status: "succeeded" },
    });
  });

  it("are retried after a failed delivery, with back-off", async () => {
    await submitted(withWebhook);
    await store.completeStep(await claimed(), chatCompletion("done"));
    const first = await store.claimWebhook();
    if (first.status !== "claimed") throw new Error("no webhook claimed");

    const recorded = await store.recordWebhook(first.webhook, {
      delivered: false,
      error: "webhook answered 500",
    });

    expect(recorded).toEqual({ status: "retrying", nextAttemptAt: clock.now() + 10_000 });
    expect(await store.claimWebhook()).toEqual({ status: "none" });
    clock.advance(10_000);
    const second = await store.claimWebhook();
    expect(second.status === "claimed" && second.webhook.attempt).toBe(2);
  });
});
