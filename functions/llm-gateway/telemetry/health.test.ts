import { afterEach, describe, expect, it } from "vitest";
import { post, startGateway, type GatewayHarness } from "../test/gateway-harness.ts";

let gateway: GatewayHarness | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function health(
  harness: GatewayHarness,
): Promise<{ code: number; body: { status: string } }> {
  const response = await harness.handle(new Request("http://gateway.test/health"));
  return { code: response.status, body: (await response.json()) as { status: string } };
}

describe("/health", () => {
  it("answers 200 ok while every breaker is closed and the store answers", async () => {
    gateway = await startGateway();

    expect(await health(gateway)).toMatchObject({ code: 200, body: { status: "ok" } });
  });

  it("answers 503 degraded once a provider's breaker is open", async () => {
    gateway = await startGateway({ LLM_BREAKER_THRESHOLD: "1", LLM_MAX_RETRIES: "0" });
    gateway.queue.anthropic.push("500");
    const answer = await gateway.handle(
      post("/v1/chat/completions", {
        model: "claude-haiku-4-5",
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    await answer.arrayBuffer();

    expect(await health(gateway)).toMatchObject({ code: 503, body: { status: "degraded" } });
  });

  it("answers 503 degraded when the store does not answer", async () => {
    gateway = await startGateway();
    gateway.runtime.store.ping = () => Promise.reject(new Error("store down"));

    expect(await health(gateway)).toMatchObject({ code: 503, body: { status: "degraded" } });
  });
});
