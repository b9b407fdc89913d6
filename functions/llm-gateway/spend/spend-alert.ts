import type { Logger } from "../../_shared/logger.ts";
import type { Store } from "../../_shared/store/store.ts";

/** Settings of {@link SpendAlert}. */
export interface SpendAlertOptions {
  /** Where the once-a-day marker is kept, so every isolate of a stack alerts once together. */
  store: Store;
  /** `LLM_DAILY_CAP_USD`. */
  capUsd: number;
  /** `LLM_SPEND_ALERT_FRACTION`: the alert fires once the day's spend reaches this share of the cap. @default 0.8 */
  fraction: number;
  /** `SLACK_WEBHOOK_URL`. */
  webhookUrl: string;
  /** `GATEWAY_ENVIRONMENT`, named in the message and the marker key. @example "production" */
  environment: string;
  /** Runs the post after the response (EdgeRuntime.waitUntil on Supabase). */
  background: (task: Promise<unknown>) => void;
  /** `spend_alert_sent` / `spend_alert_failed` lines. */
  logger: Logger;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default () => new Date() */
  now?: () => Date;
}

/** Marker keys outlive their day by a day, like the budget's day keys. */
const markerTtlSeconds = 172_800;

/**
 * The seeds' "Slack alert when spend > 80 % of the cap": told every new day total the budget
 * sees, it posts to the webhook the first time the total reaches `fraction × cap`, once per UTC
 * day and stack. The marker is written with `SET NX` in the shared store, so concurrent isolates
 * cannot both post; a failure (store or Slack) is logged and not retried that day by this isolate.
 */
export class SpendAlert {
  private sentForDay: string | undefined;
  private checking: string | undefined;

  constructor(private readonly options: SpendAlertOptions) {}

  /** Told the day's total (USD) after a budget operation. */
  observe(totalUsd: number): void {
    const threshold = this.options.capUsd * this.options.fraction;
    if (totalUsd < threshold) return;
    const day = (this.options.now?.() ?? new Date()).toISOString().slice(0, 10);
    if (this.sentForDay === day || this.checking === day) return;
    this.checking = day;
    this.options.background(this.claimAndSend(day, totalUsd));
  }

  private async claimAndSend(day: string, totalUsd: number): Promise<void> {
    const { environment, logger } = this.options;
    try {
      const claimed = await this.options.store.set(
        `llm:budget:alert:${environment}:${day}`,
        String(totalUsd),
        { onlyIfAbsent: true, ttlSeconds: markerTtlSeconds },
      );
      if (!claimed) return;
      const percent = Math.round((100 * totalUsd) / this.options.capUsd);
      const text =
        `LLM spend on ${environment} reached $${totalUsd.toFixed(2)} on ${day} (UTC), ` +
        `${percent} % of the daily cap of $${this.options.capUsd.toFixed(2)}.`;
      const response = await (this.options.fetch ?? fetch)(this.options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`Slack answered ${response.status}`);
      logger.warn("spend_alert_sent", { environment, day, totalUsd, capUsd: this.options.capUsd });
    } catch (error) {
      logger.error("spend_alert_failed", { environment, day, error });
    } finally {
      this.sentForDay = day;
      this.checking = undefined;
    }
  }
}
