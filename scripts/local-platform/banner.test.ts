import { describe, expect, it } from "vitest";
import { READY_LINE, renderBanner } from "./banner";
import type { BannerInput } from "./banner";

const input: BannerInput = {
  gatewayUrl: "http://127.0.0.1:8000",
  edgeCacheUrl: "http://127.0.0.1:8787",
  simulatorUrl: "http://127.0.0.1:8788",
  definitionNames: ["cognitive-distortions", "emotions"],
  exampleModel: "tier:fast",
  requiresApiKey: false,
  settings: { simulatedProviders: ["openai"], realProviders: ["anthropic"], store: "memory" },
};

describe("renderBanner", () => {
  it("starts with the ready line", () => {
    expect(renderBanner(input).split("\n")[0]).toBe(READY_LINE);
  });

  it("lists each service with its URL", () => {
    const banner = renderBanner(input);
    expect(banner).toContain("LLM gateway        http://127.0.0.1:8000");
    expect(banner).toContain("edge-cache Worker  http://127.0.0.1:8787");
    expect(banner).toContain("provider simulator http://127.0.0.1:8788");
  });

  it("gives a curl for a chat completion on the gateway", () => {
    expect(renderBanner(input)).toContain(
      "curl -s http://127.0.0.1:8000/v1/chat/completions \\\n" +
        "    -H 'Content-Type: application/json' \\\n" +
        `    -d '{"model":"tier:fast","messages":[{"role":"user","content":"Say hello in five words."}]}'`,
    );
  });

  it("adds a bearer header placeholder when the gateway requires a key", () => {
    expect(renderBanner({ ...input, requiresApiKey: true })).toContain(
      '-H "Authorization: Bearer $GATEWAY_API_KEY"',
    );
  });

  it("gives an openai SDK snippet whose baseURL is the gateway's /v1", () => {
    expect(renderBanner(input)).toContain(
      'new OpenAI({ baseURL: "http://127.0.0.1:8000/v1", apiKey: "local" })',
    );
  });

  it("says which providers are simulated and which are real", () => {
    const banner = renderBanner(input);
    expect(banner).toContain("openai     simulated (set OPENAI_API_KEY to use the real API)");
    expect(banner).toContain("anthropic  real API (ANTHROPIC_API_KEY is set)");
  });

  it("names the store in use", () => {
    expect(renderBanner({ ...input, settings: { ...input.settings, store: "redis" } })).toContain(
      "Store: Redis over TCP (REDIS_URL)",
    );
  });

  it("leaves the simulator out when no provider is simulated", () => {
    expect(renderBanner({ ...input, simulatorUrl: undefined })).not.toContain("provider simulator");
  });

  it("shows a question and its paraphrase for the semantic cache when a database runs", () => {
    const banner = renderBanner({ ...input, database: "pglite" });

    expect([
      banner.includes("How do I reset my password?"),
      banner.includes("how can I reset my password"),
      banner.includes("x-llm-cache: semantic"),
    ]).toEqual([true, true, true]);
  });

  it("leaves the paraphrase out when the semantic cache is off", () => {
    expect(renderBanner({ ...input, database: "off" })).not.toContain("semantic cache (the");
  });

  it("lists the job worker when it runs", () => {
    expect(renderBanner({ ...input, jobWorkerUrl: "http://127.0.0.1:8001" })).toContain(
      "job worker         http://127.0.0.1:8001  (runs /v1/jobs, woken every second)",
    );
  });

  it("gives a curl that submits a job when the job worker runs", () => {
    expect(renderBanner({ ...input, jobWorkerUrl: "http://127.0.0.1:8001" })).toContain(
      "curl -s http://127.0.0.1:8000/v1/jobs \\\n",
    );
  });

  it("leaves the job worker out when there is no database", () => {
    expect(renderBanner(input)).not.toContain("job worker");
  });
});
