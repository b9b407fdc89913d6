// Drives the web analytics template with the real posthog-js in Debian's headless Chromium and
// reads what reaches a loopback stand-in for PostHog's ingestion API. The page URL, the referrer,
// the title and the user agent all carry personal data; none of it may reach the server.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled, timeouts } from "../test/support/timeouts";
import { waitUntil } from "../test/support/wait-until";
import { bundleTemplateForBrowser } from "./test/browser-bundle";
import { launchChromium } from "./test/chromium";
import {
  startCaptureServer,
  type CapturedEvent,
  type CaptureServer,
  type RecordedRequest,
} from "./test/posthog-capture-server";

const webTemplate = join(__dirname, "app/web/lib/analytics.ts.template");
const host = "app.test";
const email = "alice@example.com";
const queryToken = "s3cret-reset-token";
const userAgent =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const pseudonymousId = "user-5f0c2a9e";
const catalogEvents = [
  "$identify",
  "$pageview",
  "agent_interaction",
  "chat_message",
  "feature_used",
];
const page = `<!doctype html><html><head><title>Inbox of ${email}</title>
<script src="/analytics.js"></script></head><body></body></html>`;

interface Run {
  server: CaptureServer;
  origin: string;
  events: CapturedEvent[];
  requests: RecordedRequest[];
}

/**
 * Serves the template (optionally edited) to Chromium at a URL full of personal data, calls
 * every catalog function, and waits until PostHog's stand-in has every catalog event.
 */
async function runTemplate(edit?: (source: string) => string): Promise<Run> {
  const server = await startCaptureServer(page);
  const origin = `http://${host}:${new URL(server.origin).port}`;
  server.script = await bundleTemplateForBrowser(
    webTemplate,
    "webAnalytics",
    { NEXT_PUBLIC_POSTHOG_KEY: "phc_test_key", NEXT_PUBLIC_POSTHOG_HOST: origin },
    edit,
  );
  const browser = await launchChromium([host]);
  try {
    const context = await browser.newContext({ userAgent });
    const tab = await context.newPage();
    await tab.goto(
      `${origin}/app/users/${email}/chat?email=${encodeURIComponent(email)}&token=${queryToken}#account`,
      { referer: `${origin}/app/login?email=${encodeURIComponent(email)}` },
    );
    await tab.evaluate((id) => {
      const analytics = (
        globalThis as unknown as { webAnalytics: Record<string, CallableFunction> }
      ).webAnalytics;
      analytics.initAnalytics!();
      analytics.identifyUser!(id);
      analytics.trackPageView!("chat");
      analytics.trackAgentInteraction!("companion", "grounding", 1234);
      analytics.trackChatMessage!("user", 42);
      analytics.trackFeatureUsed!("journal");
    }, pseudonymousId);
    await waitUntil(
      () => {
        const names = new Set(server.events().map((event) => event.event));
        return catalogEvents.every((name) => names.has(name));
      },
      { description: "every catalog event at the capture server", timeoutMs: scaled(30_000) },
    );
    await context.close();
  } finally {
    await browser.close();
  }
  return { server, origin, events: server.events(), requests: server.requests };
}

/** Everything the server received: request URLs and decoded bodies. */
function everythingSent(run: Run): string {
  return run.requests.map((request) => `${request.url}\n${request.body}`).join("\n");
}

describe("web analytics template in Chromium with the real posthog-js", () => {
  let sanitized: Run;
  let unsanitized: Run;

  beforeAll(async () => {
    sanitized = await runTemplate();
    // The control: the same template without its before_send hook. It shows that this test sees
    // the data posthog-js adds on its own, so the assertions below cannot pass vacuously.
    unsanitized = await runTemplate((source) => source.replace("before_send: sanitizeEvent,", ""));
  }, timeouts.hook);

  afterAll(async () => {
    await sanitized?.server.close();
    await unsanitized?.server.close();
  });

  it("delivers every event of the catalog", () => {
    const names = new Set(sanitized.events.map((event) => event.event));
    expect([...names].sort()).toEqual([...catalogEvents].sort());
  });

  it("sends the catalog properties the app passed", () => {
    const agent = sanitized.events.find((event) => event.event === "agent_interaction");
    expect(agent?.properties).toMatchObject({
      agent_type: "companion",
      intent: "grounding",
      duration_ms: 1234,
    });
  });

  it("identifies with the pseudonymous id", () => {
    const identify = sanitized.events.find((event) => event.event === "$identify");
    expect(identify?.properties.distinct_id).toBe(pseudonymousId);
  });

  it("sends no query string or fragment of the page URL", () => {
    expect(everythingSent(sanitized)).not.toContain(queryToken);
    expect(everythingSent(sanitized)).not.toContain("#account");
  });

  it("sends no e-mail address, from the URL, the referrer or the title", () => {
    expect(everythingSent(sanitized)).not.toMatch(/alice(@|%40)example\.com/);
  });

  it("sends the page URL as origin and path, e-mail segments redacted", () => {
    const pageview = sanitized.events.find((event) => event.event === "$pageview");
    expect(pageview?.properties.$current_url).toBe(`${sanitized.origin}/app/users/:redacted/chat`);
  });

  it("sends no raw user agent", () => {
    expect(everythingSent(sanitized)).not.toContain("AppleWebKit");
  });

  it("sends no IP address and asks PostHog to skip GeoIP", () => {
    for (const event of sanitized.events) {
      expect(event.properties).not.toHaveProperty("$ip");
      expect(event.properties.$geoip_disable).toBe(true);
    }
    expect(everythingSent(sanitized)).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
  });

  it("sends no person properties", () => {
    for (const event of sanitized.events) {
      expect(event).not.toHaveProperty("$set");
      expect(event).not.toHaveProperty("$set_once");
    }
  });

  it("makes no request but captures (no flags, no remote scripts)", () => {
    const paths = new Set(
      sanitized.requests.map((request) => new URL(request.url, "http://x").pathname),
    );
    expect(
      [...paths].every((path) => path === "/e/" || path === "/i/v0/e/" || path === "/batch/"),
    ).toBe(true);
  });

  it("would leak the query string, the e-mail and the user agent without the before_send hook", () => {
    const sent = everythingSent(unsanitized);
    expect(sent).toContain(queryToken);
    expect(sent).toMatch(/alice(@|%40)example\.com/);
    expect(sent).toContain("AppleWebKit");
  });
});
