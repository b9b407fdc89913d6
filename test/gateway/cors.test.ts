// Browsers call the gateway from the origins in GATEWAY_CORS_ORIGINS: preflights are answered,
// listed origins get credentials, a wildcard never does, other origins get no CORS headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

const allowed = "https://app.example.com";

let simulator: ProviderSimulator;
let listed: GatewayProcess;
let wildcard: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  [listed, wildcard] = await Promise.all([
    startGateway({ env: gatewayEnv(simulator, { GATEWAY_CORS_ORIGINS: allowed }) }),
    startGateway({ env: gatewayEnv(simulator, { GATEWAY_CORS_ORIGINS: "*" }) }),
  ]);
});

afterAll(async () => {
  await Promise.all([listed?.stop(), wildcard?.stop()]);
  await simulator?.close();
});

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });
}

describe("a listed origin", () => {
  it("gets its preflight answered with the method, the headers and credentials", async () => {
    const response = await preflight(listed.url, allowed);
    expect([
      response.status,
      response.headers.get("access-control-allow-origin"),
      response.headers.get("access-control-allow-methods"),
      response.headers.get("access-control-allow-headers"),
      response.headers.get("access-control-allow-credentials"),
    ]).toEqual([204, allowed, "POST, OPTIONS", "authorization, content-type", "true"]);
  });

  it("can read the gateway's headers on the answer", async () => {
    const response = await postChat(
      listed.url,
      { model: "tier:default", messages: uniqueMessages("cors") },
      { headers: { origin: allowed } },
    );
    await response.arrayBuffer();
    expect([
      response.headers.get("access-control-allow-origin"),
      response.headers.get("access-control-expose-headers"),
    ]).toEqual([allowed, expect.stringContaining("x-llm-provider")]);
  });
});

describe("an origin that is not listed", () => {
  it("gets no CORS headers, so the browser blocks it", async () => {
    const response = await preflight(listed.url, "https://evil.example.net");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the wildcard", () => {
  it("allows any origin without credentials", async () => {
    const response = await preflight(wildcard.url, "https://anyone.example.org");
    expect([
      response.headers.get("access-control-allow-origin"),
      response.headers.get("access-control-allow-credentials"),
    ]).toEqual(["*", null]);
  });
});
