import { describe, expect, it } from "vitest";
import { readLocalPlatformSettings } from "./settings";

describe("readLocalPlatformSettings", () => {
  it("uses ports 8000, 8787 and 8788 by default", () => {
    const settings = readLocalPlatformSettings({});
    expect([settings.gateway.port, settings.edgeCache.port, settings.simulator.port]).toEqual([
      8000, 8787, 8788,
    ]);
  });

  it("reads GATEWAY_PORT, EDGE_CACHE_PORT and SIMULATOR_PORT", () => {
    const settings = readLocalPlatformSettings({
      GATEWAY_PORT: "9000",
      EDGE_CACHE_PORT: "9001",
      SIMULATOR_PORT: "0",
    });
    expect([settings.gateway.port, settings.edgeCache.port, settings.simulator.port]).toEqual([
      9000, 9001, 0,
    ]);
  });

  it("gives the job worker a free port by default", () => {
    expect(readLocalPlatformSettings({}).jobWorker.port).toBe(0);
  });

  it("reads JOB_WORKER_PORT", () => {
    expect(readLocalPlatformSettings({ JOB_WORKER_PORT: "9010" }).jobWorker.port).toBe(9010);
  });

  it("names the variable holding a port that is not a number", () => {
    expect(() => readLocalPlatformSettings({ EDGE_CACHE_PORT: "http" })).toThrow(
      'EDGE_CACHE_PORT must be a port number from 0 to 65535 (0 picks a free port), got "http".',
    );
  });

  it("rejects a port above 65535", () => {
    expect(() => readLocalPlatformSettings({ GATEWAY_PORT: "70000" })).toThrow(/GATEWAY_PORT/);
  });

  it("names both variables when two services ask for the same port", () => {
    expect(() =>
      readLocalPlatformSettings({ GATEWAY_PORT: "9000", SIMULATOR_PORT: "9000" }),
    ).toThrow("GATEWAY_PORT and SIMULATOR_PORT are both 9000");
  });

  it("lets several services pick free ports with 0", () => {
    expect(() =>
      readLocalPlatformSettings({ GATEWAY_PORT: "0", EDGE_CACHE_PORT: "0", SIMULATOR_PORT: "0" }),
    ).not.toThrow();
  });

  it("simulates every provider when no API key is set", () => {
    expect(readLocalPlatformSettings({}).simulatedProviders).toEqual([
      "openai",
      "anthropic",
      "gemini",
    ]);
  });

  it("uses the real provider whose API key is set", () => {
    const settings = readLocalPlatformSettings({ ANTHROPIC_API_KEY: "sk-ant-x" });
    expect([settings.realProviders, settings.simulatedProviders]).toEqual([
      ["anthropic"],
      ["openai", "gemini"],
    ]);
  });

  it("treats an empty API key as not set", () => {
    expect(readLocalPlatformSettings({ OPENAI_API_KEY: " " }).realProviders).toEqual([]);
  });

  it("uses the in-memory store by default", () => {
    expect(readLocalPlatformSettings({}).store).toBe("memory");
  });

  it("uses Redis when REDIS_URL is set", () => {
    expect(readLocalPlatformSettings({ REDIS_URL: "redis://127.0.0.1:6379" }).store).toBe("redis");
  });

  it("prefers Upstash when both Upstash variables are set", () => {
    const settings = readLocalPlatformSettings({
      REDIS_URL: "redis://127.0.0.1:6379",
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
      UPSTASH_REDIS_REST_TOKEN: "token",
    });
    expect(settings.store).toBe("upstash");
  });

  it("uses the built-in fast tier in the examples by default", () => {
    expect(readLocalPlatformSettings({}).exampleModel).toBe("tier:fast");
  });

  it("uses the first LLM_ROUTES tier in the examples", () => {
    const routes = JSON.stringify({ cheap: [{ provider: "openai", model: "gpt-4o-mini" }] });
    expect(readLocalPlatformSettings({ LLM_ROUTES: routes }).exampleModel).toBe("tier:cheap");
  });
});
