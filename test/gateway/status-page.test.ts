import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { launchChromium } from "../../templates/test/chromium";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { repositoryRoot } from "../support/repository-root";
import { metricSum, parsePrometheus, type MetricSample } from "../support/prometheus";

// The status page in Debian's headless Chromium, against a real gateway after a scripted workload:
// three distinct questions, one asked again (an exact cache hit) and one the gateway refuses.
const token = "status-token-0123456789";
const outputDirectory = join(repositoryRoot, "test-results", "status-page");

let simulator: ProviderSimulator;
let gateway: GatewayProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let samples: MetricSample[];

async function ask(label: string): Promise<void> {
  const response = await postChat(gateway.url, {
    model: "tier:default",
    messages: uniqueMessages(label),
    temperature: 0,
  });
  await response.arrayBuffer();
}

async function shown(id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent()) ?? "";
}

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({
    env: gatewayEnv(simulator, { GATEWAY_METRICS_TOKEN: token, LLM_DAILY_CAP_USD: "5" }),
  });
  const messages = uniqueMessages("repeated");
  for (const label of ["one", "two", "three"]) await ask(label);
  for (let index = 0; index < 2; index++) {
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages,
      temperature: 0,
    });
    await response.arrayBuffer();
  }
  const refused = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: "{" });
  await refused.arrayBuffer();

  browser = await launchChromium();
  page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(`${gateway.url}/status#token=${token}`);
  await page.waitForSelector("body[data-loaded]");
  const metrics = await fetch(`${gateway.url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  samples = parsePrometheus(await metrics.text());
  mkdirSync(outputDirectory, { recursive: true });
  await page.screenshot({ path: join(outputDirectory, "status-page.png"), fullPage: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await simulator?.close();
});

describe("the status page in headless Chromium", () => {
  it("loads without console errors", () => {
    expect(consoleErrors).toEqual([]);
  });

  it("shows the request count /metrics reports", async () => {
    expect(Number(await shown("requests-total"))).toBe(
      metricSum(samples, "llm_gateway_requests_total"),
    );
  });

  it("shows the response cache's hits and misses as /metrics counts them", async () => {
    const cells = await page.locator("#cache tr").first().locator("td").allTextContents();

    expect(cells.slice(0, 3)).toEqual([
      "response",
      String(metricSum(samples, "llm_gateway_cache_total", { kind: "response", result: "hit" })),
      String(metricSum(samples, "llm_gateway_cache_total", { kind: "response", result: "miss" })),
    ]);
  });

  it("shows all-time cost as /metrics sums it", async () => {
    expect(Number(await shown("cost-total"))).toBeCloseTo(
      metricSum(samples, "llm_gateway_cost_usd_total"),
      6,
    );
  });

  it("shows today's cost, which is the whole cost of a fresh gateway", async () => {
    expect(Number(await shown("cost-today"))).toBeCloseTo(
      metricSum(samples, "llm_gateway_cost_usd_total"),
      6,
    );
  });

  it("shows every provider's breaker", async () => {
    const providers = await page.locator("#breakers tr td:first-child").allTextContents();

    expect(providers).toEqual(expect.arrayContaining(["anthropic", "openai"]));
  });

  it("shows the budget used against the cap", async () => {
    expect(await shown("budget-used")).toMatch(/ % of \$5$/);
  });

  it("tells a visitor without the token that it is needed", async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${gateway.url}/status`);
    await anonymous.waitForFunction('document.getElementById("problem").textContent !== ""');

    expect(await anonymous.locator("#problem").textContent()).toContain("metrics token");
    await anonymous.close();
  });
});
