import { describe, expect, it } from "vitest";
import { committedStackConfig, installRecordingMocks, setStackConfig } from "../test/pulumi";

const recorder = installRecordingMocks({ stack: "staging" });
const staging = committedStackConfig("staging");

describe("the program with an invalid stack config", () => {
  it("stops with the config error and registers no resource", async () => {
    setStackConfig({ ...staging.values, "platform:budget": '{"dailyUsd":-3}' }, staging.secretKeys);
    const outcome = await import("./index").then(
      () => "loaded",
      (error: Error) => error.message,
    );
    await recorder.settled();
    expect([outcome, recorder.resources]).toEqual([
      'Pulumi.staging.yaml: platform:budget.dailyUsd must be a positive number, got "-3"',
      [],
    ]);
  });
});
