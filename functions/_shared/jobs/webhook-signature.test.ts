import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./webhook-signature.ts";

const secret = "whsec_test_secret_0123456789";
const body = '{"id":"5f0c","status":"succeeded"}';

describe("webhook signatures", () => {
  it("are the HMAC-SHA256 of the body, as Node's crypto computes it", async () => {
    const expected = createHmac("sha256", secret).update(body).digest("hex");

    expect(await signWebhookBody(secret, body)).toBe(`sha256=${expected}`);
  });

  it("verify for the signed body", async () => {
    expect(await verifyWebhookSignature(secret, body, await signWebhookBody(secret, body))).toBe(
      true,
    );
  });

  it("do not verify for a changed body", async () => {
    const signature = await signWebhookBody(secret, body);

    expect(
      await verifyWebhookSignature(secret, body.replace("succeeded", "failed"), signature),
    ).toBe(false);
  });

  it("do not verify a malformed header", async () => {
    expect(await verifyWebhookSignature(secret, body, "sha256=zz")).toBe(false);
  });
});
