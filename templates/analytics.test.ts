import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTemplateModule } from "./test/load-template-module";

const webTemplate = join(__dirname, "app/web/lib/analytics.ts.template");
const mobileTemplate = join(__dirname, "app/mobile/lib/analytics.ts.template");

interface RecordedCall {
  method: string;
  arguments: unknown[];
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

/** A posthog-react-native stand-in: the constructor and captures are recorded. */
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
  }
  return { calls, module: { __esModule: true, default: PostHog } };
}

function loadWeb(environment: Record<string, string>) {
  const posthog = recordingPosthogJs();
  const exports = loadTemplateModule(webTemplate, {
    modules: { "posthog-js": posthog.module },
    environment,
    globals: { window: {} },
  }) as { initAnalytics(): void; track(event: string, properties?: object): void };
  return { ...exports, calls: posthog.calls };
}

function loadMobile(environment: Record<string, string>) {
  const posthog = recordingPosthogReactNative();
  const exports = loadTemplateModule(mobileTemplate, {
    modules: { "posthog-react-native": posthog.module },
    environment,
  }) as { track(event: string, properties?: object): void };
  return { ...exports, calls: posthog.calls };
}

const webKey = {
  NEXT_PUBLIC_POSTHOG_KEY: "phc_web",
  NEXT_PUBLIC_POSTHOG_HOST: "https://eu.i.posthog.com",
};
const mobileKey = { EXPO_PUBLIC_POSTHOG_KEY: "phc_mobile" };

describe("web analytics template", () => {
  it("initialises PostHog with the key and host from the environment", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    const init = web.calls.find((call) => call.method === "init");
    expect(init?.arguments[0]).toBe("phc_web");
    expect(init?.arguments[1]).toMatchObject({ api_host: "https://eu.i.posthog.com" });
  });

  it("turns off autocapture, automatic pageviews and session recording", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    expect(web.calls[0]?.arguments[1]).toMatchObject({
      autocapture: false,
      capture_pageview: false,
      capture_pageleave: false,
      disable_session_recording: true,
    });
  });

  it("stores nothing in the browser and drops the IP address", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    expect(web.calls[0]?.arguments[1]).toMatchObject({
      persistence: "memory",
      property_denylist: ["$ip"],
    });
  });

  it("sends only the events the app tracks, and never identifies anyone", () => {
    const web = loadWeb(webKey);
    web.initAnalytics();
    web.track("chat_started", { tier: "fast" });
    expect(web.calls.map((call) => call.method)).toEqual(["init", "capture"]);
  });

  it("does nothing without a key", () => {
    const web = loadWeb({});
    web.initAnalytics();
    web.track("chat_started");
    expect(web.calls).toEqual([]);
  });
});

describe("mobile analytics template", () => {
  it("creates the client with privacy options", () => {
    const mobile = loadMobile(mobileKey);
    expect(mobile.calls[0]?.arguments).toEqual([
      "phc_mobile",
      expect.objectContaining({
        persistence: "memory",
        captureAppLifecycleEvents: false,
        enableSessionReplay: false,
        disableGeoip: true,
      }),
    ]);
  });

  it("captures only tracked events, never identifying anyone", () => {
    const mobile = loadMobile(mobileKey);
    mobile.track("chat_started");
    expect(mobile.calls.map((call) => call.method)).toEqual(["constructor", "capture"]);
  });

  it("creates no client without a key", () => {
    const mobile = loadMobile({});
    mobile.track("chat_started");
    expect(mobile.calls).toEqual([]);
  });
});
