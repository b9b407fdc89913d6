// The analytics templates' own logic (options, catalog, before_send) with recording stand-ins for
// the SDKs. What the real posthog-js puts on the wire is tested in analytics-web-payload.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTemplateModule } from "./test/load-template-module";

const webTemplate = join(__dirname, "app/web/lib/analytics.ts.template");
const mobileTemplate = join(__dirname, "app/mobile/lib/analytics.ts.template");

interface RecordedCall {
  method: string;
  arguments: unknown[];
}

interface Event {
  event: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

interface TemplateExports {
  eventCatalog: Record<string, readonly string[]>;
  sanitizeEvent(event: Event | null): Event | null;
  identifyUser(id: string): void;
  trackAgentInteraction(agentType: string, intent: string, durationMs: number): void;
  trackChatMessage(role: "user" | "assistant", messageLength: number): void;
  trackFeatureUsed(featureName: string): void;
  trackPageView(pageName: string): void;
  trackScreenView(screenName: string): void;
  initAnalytics(): void;
}

/** A posthog-js stand-in that records every call the template makes. */
function recordingPosthogJs() {
  const calls: RecordedCall[] = [];
  const record =
    (method: string) =>
    (...argumentsList: unknown[]) =>
      calls.push({ method, arguments: argumentsList });
  const client = { init: record("init"), capture: record("capture"), identify: record("identify") };
  return { calls, module: { __esModule: true, default: client } };
}

/** A posthog-react-native stand-in: the constructor and every call are recorded. */
function recordingPosthogReactNative() {
  const calls: RecordedCall[] = [];
  class PostHog {
    constructor(...argumentsList: unknown[]) {
      calls.push({ method: "constructor", arguments: argumentsList });
    }
    capture(...argumentsList: unknown[]) {
      calls.push({ method: "capture", arguments: argumentsList });
    }
    identify(...argumentsList: unknown[]) {
      calls.push({ method: "identify", arguments: argumentsList });
    }
    screen(...argumentsList: unknown[]) {
      calls.push({ method: "screen", arguments: argumentsList });
    }
  }
  return { calls, module: { __esModule: true, default: PostHog } };
}

function loadWeb(environment: Record<string, string>) {
  const posthog = recordingPosthogJs();
  const exports = loadTemplateModule(webTemplate, {
    modules: { "posthog-js": posthog.module },
    environment,
    globals: { window: {}, URL },
  }) as unknown as TemplateExports;
  return { ...exports, calls: posthog.calls };
}

function loadMobile(environment: Record<string, string>) {
  const posthog = recordingPosthogReactNative();
  const exports = loadTemplateModule(mobileTemplate, {
    modules: { "posthog-react-native": posthog.module },
    environment,
  }) as unknown as TemplateExports;
  return { ...exports, calls: posthog.calls };
}

const webKey = {
  NEXT_PUBLIC_POSTHOG_KEY: "phc_web",
  NEXT_PUBLIC_POSTHOG_HOST: "https://eu.i.posthog.com",
};
const mobileKey = { EXPO_PUBLIC_POSTHOG_KEY: "phc_mobile" };

function initOptions(web: ReturnType<typeof loadWeb>): Record<string, unknown> {
  web.initAnalytics();
  return web.calls.find((call) => call.method === "init")?.arguments[1] as Record<string, unknown>;
}

const reactNativeEvents = (
  JSON.parse(
    readFileSync(join(__dirname, "__fixtures__/posthog-react-native-events.json"), "utf8"),
  ) as { events: Event[] }
).events;

function fixtureEvent(name: string): Event {
  const event = reactNativeEvents.find((candidate) => candidate.event === name);
  if (!event) throw new Error(`no ${name} in the fixture`);
  return structuredClone(event);
}

describe("web analytics template", () => {
  it("initialises PostHog with the key and host from the environment", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    const init = web.calls.find((call) => call.method === "init");
    expect(init?.arguments[0]).toBe("phc_web");
    expect(init?.arguments[1]).toMatchObject({ api_host: "https://eu.i.posthog.com" });
  });

  it("turns off autocapture, automatic pageviews, recording, flags and remote scripts", () => {
    expect(initOptions(loadWeb(webKey))).toMatchObject({
      autocapture: false,
      capture_pageview: false,
      capture_pageleave: false,
      disable_session_recording: true,
      advanced_disable_flags: true,
      disable_external_dependency_loading: true,
    });
  });

  it("stores nothing in the browser and sanitises every event before it is sent", () => {
    const web = loadWeb(webKey);
    expect(initOptions(web)).toMatchObject({
      persistence: "memory",
      before_send: web.sanitizeEvent,
    });
  });

  it.each([
    {
      method: "trackAgentInteraction",
      values: ["companion", "grounding", 900],
      event: "agent_interaction",
    },
    { method: "trackChatMessage", values: ["assistant", 120], event: "chat_message" },
    { method: "trackFeatureUsed", values: ["journal"], event: "feature_used" },
    { method: "trackPageView", values: ["chat"], event: "$pageview" },
  ] as const)("$method captures $event", ({ method, values, event }) => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    (web[method] as (...list: unknown[]) => void)(...values);
    const call = web.calls.at(-1);
    expect([call?.method, call?.arguments[0]]).toEqual(["capture", event]);
  });

  it("identifies with a pseudonymous id and no person properties", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    web.identifyUser("user-5f0c2a9e");
    expect(web.calls.at(-1)).toEqual({ method: "identify", arguments: ["user-5f0c2a9e"] });
  });

  it("refuses to identify with an e-mail address", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    expect(() => web.identifyUser("alice@example.com")).toThrow(/pseudonymous id/);
  });

  it("does nothing without a key", () => {
    const web = loadWeb({});
    web.initAnalytics();
    web.trackFeatureUsed("journal");
    expect(web.calls).toEqual([]);
  });
});

describe("web before_send (sanitizeEvent)", () => {
  const { sanitizeEvent } = loadWeb(webKey);

  it("drops an event that is not in the catalog", () => {
    expect(sanitizeEvent({ event: "$autocapture", properties: { $el_text: "Alice" } })).toBeNull();
  });

  it("drops property keys outside the event's allow-list", () => {
    const result = sanitizeEvent({
      event: "feature_used",
      properties: { feature_name: "journal", note: "free text", title: "Inbox of Alice" },
    });
    expect(Object.keys(result?.properties ?? {}).sort()).toEqual([
      "$geoip_disable",
      "feature_name",
    ]);
  });

  it("drops a value that looks like an e-mail address", () => {
    const result = sanitizeEvent({
      event: "feature_used",
      properties: { feature_name: "share with bob@example.org" },
    });
    expect(result?.properties).not.toHaveProperty("feature_name");
  });

  it("reduces the current URL to origin and path, with e-mail segments redacted", () => {
    const result = sanitizeEvent({
      event: "$pageview",
      properties: {
        $current_url: "https://app.example.com/u/alice%40example.com/chat?token=abc#top",
      },
    });
    expect(result?.properties?.$current_url).toBe("https://app.example.com/u/:redacted/chat");
  });

  it("drops the referrer, raw user agent and screen size", () => {
    const result = sanitizeEvent({
      event: "$pageview",
      properties: {
        $referrer: "https://mail.example.com/?q=alice",
        $raw_user_agent: "Mozilla/5.0",
        $screen_width: 1920,
      },
    });
    expect(result?.properties).toEqual({ $geoip_disable: true });
  });

  it("removes person properties", () => {
    const result = sanitizeEvent({
      event: "$identify",
      properties: {},
      $set: { email: "alice@example.com" },
      $set_once: { $initial_referrer: "https://mail.example.com" },
    });
    expect(Object.keys(result ?? {}).sort()).toEqual(["event", "properties"]);
  });
});

describe("mobile analytics template", () => {
  it("creates the client with privacy options and the before_send hook", () => {
    const mobile = loadMobile(mobileKey);
    expect(mobile.calls[0]?.arguments).toEqual([
      "phc_mobile",
      expect.objectContaining({
        persistence: "memory",
        captureAppLifecycleEvents: false,
        enableSessionReplay: false,
        disableGeoip: true,
        before_send: mobile.sanitizeEvent,
      }),
    ]);
  });

  it.each([
    {
      method: "trackAgentInteraction",
      values: ["companion", "grounding", 900],
      sdk: "capture",
      first: "agent_interaction",
    },
    { method: "trackChatMessage", values: ["user", 42], sdk: "capture", first: "chat_message" },
    { method: "trackFeatureUsed", values: ["journal"], sdk: "capture", first: "feature_used" },
    { method: "trackScreenView", values: ["Chat"], sdk: "screen", first: "Chat" },
  ] as const)("$method calls $sdk($first)", ({ method, values, sdk, first }) => {
    const mobile = loadMobile(mobileKey);
    (mobile[method] as (...list: unknown[]) => void)(...values);
    const call = mobile.calls.at(-1);
    expect([call?.method, call?.arguments[0]]).toEqual([sdk, first]);
  });

  it("refuses to identify with an e-mail address", () => {
    const mobile = loadMobile(mobileKey);
    expect(() => mobile.identifyUser("alice@example.com")).toThrow(/pseudonymous id/);
  });

  it("creates no client without a key", () => {
    const mobile = loadMobile({});
    mobile.trackFeatureUsed("journal");
    expect(mobile.calls).toEqual([]);
  });
});

describe("mobile before_send (sanitizeEvent) on posthog-react-native events", () => {
  const { sanitizeEvent } = loadMobile(mobileKey);

  it("drops the device name, model, locale, time zone, screen size and carrier", () => {
    const result = sanitizeEvent(fixtureEvent("$identify"));
    for (const key of [
      "$device_name",
      "$device_model",
      "$locale",
      "$timezone",
      "$screen_height",
      "$screen_width",
      "$network_carrier",
    ])
      expect(result?.properties).not.toHaveProperty(key);
  });

  it("keeps the pseudonymous id, the app version and the platform", () => {
    expect(sanitizeEvent(fixtureEvent("$identify"))?.properties).toMatchObject({
      distinct_id: "user-5f0c2a9e",
      $app_version: "1.4.0",
      $os_name: "iOS",
    });
  });

  it("removes person properties set on identify", () => {
    expect(JSON.stringify(sanitizeEvent(fixtureEvent("$identify")))).not.toContain("alice");
  });

  it("keeps the screen name of a screen view", () => {
    expect(sanitizeEvent(fixtureEvent("$screen"))?.properties?.$screen_name).toBe("Chat");
  });

  it("drops lifecycle events, whose deep links can carry tokens", () => {
    expect(sanitizeEvent(fixtureEvent("Application Opened"))).toBeNull();
  });
});

describe("event catalogs", () => {
  it("give web and mobile the same properties for the events they share", () => {
    const web = loadWeb(webKey).eventCatalog;
    const mobile = loadMobile(mobileKey).eventCatalog;
    const shared = Object.keys(web).filter((event) => event in mobile);
    expect(shared.map((event) => [event, mobile[event]])).toEqual(
      shared.map((event) => [event, web[event]]),
    );
  });
});
