import { describe, expect, it } from "vitest";
import { parseJobSubmission } from "./job-submission.ts";

const message = [{ role: "user", content: "Hello" }];

describe("parseJobSubmission", () => {
  it("takes a chat request as a one-step job, without the job fields", () => {
    const parsed = parseJobSubmission({
      model: "tier:default",
      messages: message,
      max_attempts: 2,
    });

    expect(parsed).toEqual({
      ok: true,
      value: { steps: [{ model: "tier:default", messages: message }], maxAttempts: 2 },
    });
  });

  it("takes ordered steps", () => {
    const parsed = parseJobSubmission({
      steps: [
        { model: "a", messages: message },
        { model: "b", messages: [{ role: "user", content: "{{steps.0.output}}" }] },
      ],
    });

    expect(parsed.ok && parsed.value.steps.map((step) => step.model)).toEqual(["a", "b"]);
  });

  it("refuses a step that quotes itself or a later step", () => {
    const parsed = parseJobSubmission({
      steps: [{ model: "a", messages: [{ role: "user", content: "{{steps.0.output}}" }] }],
    });

    expect(parsed).toMatchObject({ ok: false, param: "steps[0].messages" });
  });

  it("refuses a streamed step", () => {
    expect(parseJobSubmission({ model: "a", messages: message, stream: true })).toMatchObject({
      ok: false,
      param: "stream",
    });
  });

  it("names the field of a missing model", () => {
    expect(parseJobSubmission({ steps: [{ messages: message }] })).toMatchObject({
      ok: false,
      param: "steps[0].model",
      message: "steps[0].model must be a model or tier name",
    });
  });

  it("prefers the Idempotency-Key header to the body's key", () => {
    const parsed = parseJobSubmission(
      { model: "a", messages: message, idempotency_key: "body-key" },
      { idempotencyKeyHeader: "header-key" },
    );

    expect(parsed.ok && parsed.value.idempotencyKey).toBe("header-key");
  });

  it("refuses a plain-http webhook outside loopback", () => {
    expect(
      parseJobSubmission({
        model: "a",
        messages: message,
        webhook: { url: "http://example.com/hook", secret: "default" },
      }),
    ).toMatchObject({ ok: false, param: "webhook.url" });
  });

  it("refuses a webhook secret name the worker does not hold", () => {
    expect(
      parseJobSubmission(
        { model: "a", messages: message, webhook: { url: "https://example.com/h", secret: "x" } },
        { webhookSecretNames: new Set(["default"]) },
      ),
    ).toMatchObject({ ok: false, param: "webhook.secret" });
  });

  it("takes the quick mode, outside the chat request", () => {
    const parsed = parseJobSubmission({ model: "a", messages: message, mode: "quick" });

    expect(parsed).toEqual({
      ok: true,
      value: { steps: [{ model: "a", messages: message }], mode: "quick" },
    });
  });

  it("refuses an unknown mode, naming the field", () => {
    expect(parseJobSubmission({ model: "a", messages: message, mode: "fast" })).toMatchObject({
      ok: false,
      param: "mode",
      message: 'mode must be "queued" or "quick"',
    });
  });

  it("refuses a webhook secret name when no signing secret is configured", () => {
    expect(
      parseJobSubmission(
        {
          model: "a",
          messages: message,
          webhook: { url: "https://example.com/h", secret: "default" },
        },
        { webhookSecretNames: new Set() },
      ),
    ).toMatchObject({ ok: false, param: "webhook.secret" });
  });

  it("refuses more steps than allowed", () => {
    const steps = Array.from({ length: 3 }, () => ({ model: "a", messages: message }));

    expect(parseJobSubmission({ steps }, { maxSteps: 2 })).toMatchObject({
      ok: false,
      param: "steps",
    });
  });
});
