// Delivers a job's completion webhook: POST of the job's view as JSON, signed with the secret the
// job names (webhook-signature.ts). Any 2xx is delivered; anything else (or no answer in time) is a
// failed attempt the store retries with back-off.
import type { ClaimedWebhook } from "./job-types.ts";
import { signWebhookBody, signatureHeader } from "./webhook-signature.ts";

/** What a delivery attempt gave. */
export type WebhookDelivery = { delivered: true } | { delivered: false; error: string };

/** Sends a claimed webhook; never rejects. */
export type WebhookSender = (webhook: ClaimedWebhook) => Promise<WebhookDelivery>;

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /** Signing secrets by name (`JOB_WEBHOOK_SECRETS`). */
  secrets: ReadonlyMap<string, string>;
  /**
   * Bound on one delivery in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The webhook sender.
 * @param options - see {@link WebhookSenderOptions}.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return async (webhook) => {
    const secret = options.secrets.get(webhook.secretName);
    if (secret === undefined) {
      return {
        delivered: false,
        error: `signing secret "${webhook.secretName}" is not configured (JOB_WEBHOOK_SECRETS)`,
      };
    }
    const body = JSON.stringify(webhook.job);
    try {
      const response = await fetchFunction(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [signatureHeader]: await signWebhookBody(secret, body),
          "x-job-id": webhook.jobId,
          "x-job-delivery-attempt": String(webhook.attempt),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      await response.body?.cancel();
      return response.ok
        ? { delivered: true }
        : { delivered: false, error: `webhook answered ${response.status}` };
    } catch (error) {
      return {
        delivered: false,
        error: `webhook unreachable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };
}
