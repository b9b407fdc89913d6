import { sha256Hex } from "../../_shared/sha256.ts";

/** What one request reports to PostHog: no prompt text, no personal data. */
export interface RequestEvent {
  /** The route, e.g. "/v1/chat/completions". */
  route: string;
  /** Provider that answered, or "none". */
  provider: string;
  /** Upstream model, or "none". */
  model: string;
  /** Tier the request was routed through, or "none". */
  tier: string;
  /** "hit", "miss" or "bypass". */
  cache: string;
  /** Milliseconds until the response was complete. */
  latencyMs: number;
  /** USD. */
  costUsd: number;
  /** HTTP status. */
  status: number;
  /** Whether the response was streamed. */
  stream: boolean;
  /** Upstream attempts. */
  attempts: number;
}

/** Sends analytics events; the no-op one is used when `POSTHOG_KEY` is unset. */
export interface Analytics {
  /** Queues an event for `callerId` (hashed with a salt before it leaves the process). */
  capture(callerId: string, event: RequestEvent): void;
}

/** Analytics that send nothing. */
export const noopAnalytics: Analytics = { capture: () => undefined };

/** Settings of {@link PostHogAnalytics}. */
export interface PostHogOptions {
  /** `POSTHOG_KEY` (a public project ingest key). */
  apiKey: string;
  /** `POSTHOG_HOST`. @example "https://eu.i.posthog.com" */
  host: string;
  /** Salt of the `distinct_id` hash (`ANALYTICS_SALT`). */
  salt: string;
  /** Applied to each serialised payload before it is sent. */
  redact: (text: string) => string;
  /** Told about failed sends (events are dropped: analytics never affect requests). */
  onError?: (error: unknown) => void;
}

/**
 * PostHog capture over its public ingestion endpoint (`POST /i/v0/e/`), fire-and-forget: the
 * request never waits for it. `distinct_id` is a salted SHA-256 of the caller id, and person
 * profiles are not created.
 */
export class PostHogAnalytics implements Analytics {
  private readonly url: string;

  constructor(private readonly options: PostHogOptions) {
    this.url = `${options.host.replace(/\/+$/, "")}/i/v0/e/`;
  }

  capture(callerId: string, event: RequestEvent): void {
    void this.send(callerId, event);
  }

  private async send(callerId: string, event: RequestEvent): Promise<void> {
    try {
      const distinctId = sha256Hex(`${this.options.salt}:${callerId}`);
      const payload = {
        api_key: this.options.apiKey,
        event: "llm_gateway_request",
        distinct_id: distinctId,
        timestamp: new Date().toISOString(),
        properties: {
          route: event.route,
          provider: event.provider,
          model: event.model,
          tier: event.tier,
          cache: event.cache,
          latency_ms: Math.round(event.latencyMs * 1000) / 1000,
          cost_usd: event.costUsd,
          status: event.status,
          stream: event.stream,
          attempts: event.attempts,
          $process_person_profile: false,
        },
      };
      // The API key must survive redaction; only the properties can carry anything sensitive.
      const body = JSON.stringify({
        ...payload,
        properties: JSON.parse(this.options.redact(JSON.stringify(payload.properties))),
      });
      const response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        // A hung ingestion endpoint must not pile up pending sends.
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok)
        this.options.onError?.(new Error(`PostHog answered HTTP ${response.status}`));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
