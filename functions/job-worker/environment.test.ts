// The variables the job worker and the gateway both read must mean the same thing on both sides:
// same name, limits and default (the gateway stores JOB_MAX_ATTEMPTS with each job it accepts; the
// worker applies it to jobs stored without one), and the same webhook secret names.
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { gatewayEnvironment } from "../llm-gateway/environment/contract.ts";
import { variableSchema } from "../llm-gateway/environment/rules.ts";
import { jobWorkerEnvironment } from "./environment.ts";

const shared = [
  ["jobMaxAttempts", "maxAttempts"],
  ["jobRetryBaseMs", "retryBaseMs"],
  ["jobRetryMaxMs", "retryMaxMs"],
] as const;

describe("the variables the worker shares with the gateway", () => {
  it.each(shared)("define %s and %s alike", (gatewayKey, workerKey) => {
    const gateway = gatewayEnvironment[gatewayKey];
    const worker = jobWorkerEnvironment[workerKey];

    expect({ name: gateway.name, rule: gateway.rule, default: gateway.default }).toEqual({
      name: worker.name,
      rule: worker.rule,
      default: worker.default,
    });
  });

  it.each([
    [{ default: "whsec_0123456789abcdef" }, true],
    [{ default: "short" }, false],
    [{ "bad name!": "whsec_0123456789abcdef" }, false],
  ])("accept and refuse the same JOB_WEBHOOK_SECRETS (%j)", (value, accepted) => {
    const gateway = variableSchema(z, gatewayEnvironment.jobWebhookSecrets).safeParse(value);
    const worker = variableSchema(z, jobWorkerEnvironment.webhookSecrets).safeParse(value);

    expect([gateway.success, worker.success]).toEqual([accepted, accepted]);
  });

  it("leave JOB_WORKER_TOKEN to the worker: the gateway reads no such variable", () => {
    const gatewayNames = Object.values(gatewayEnvironment).map((variable) => variable.name);

    expect(jobWorkerEnvironment.wakeUpToken.name).toBe("JOB_WORKER_TOKEN");
    expect(gatewayNames).not.toContain("JOB_WORKER_TOKEN");
  });
});
