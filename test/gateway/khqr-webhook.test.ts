import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clearVerify, seedVerify, verifications } from "../support/amk.ts";
import { khqrWebhookFor, paidPremium, sendWebhook, serve } from "../support/khqr-webhook.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { queryRow } from "../support/records.ts";

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = await response.json<any>();
  expect(body.error.code).toBe(code);
  return body;
}

describe("POST /AMK/khqr: a verified KHQR payment", () => {
  it("confirms after AMK verifies it, with the spec's response", async () => {
    const premium = await paidPremium();
    const response = await sendWebhook(khqrWebhookFor(premium));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      data: { transactionId: `AMK_KHQR_${premium.id}`, status: "CONFIRMED", message: "KHQR payment successfully processed" },
    });
    expect(await verifications(String(premium.id))).toBe(1);
    const payment = await queryRow("SELECT channel, transaction_id, amount_minor, paid_at FROM payments WHERE payment_id = ?", premium.id);
    expect(payment).toEqual({
      channel: "KHQR",
      transaction_id: `AMK_KHQR_${premium.id}`,
      amount_minor: 15000,
      // AMK's verified time (12:00:00 GMT+7, whole seconds), not the webhook's claim (12:00:00.123456).
      paid_at: "2025-10-07T05:00:00.000Z",
    });
  });

  it("publishes gateway.payment.verified and gateway.payment.success with the contract's payloads", async () => {
    const premium = await paidPremium({ amount: 89.5 });
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.map((r) => r.topic).sort()).toEqual(["dev.gateway.payment.success", "dev.gateway.payment.verified"]);
    const verified = records.find((r) => r.topic === "dev.gateway.payment.verified")!;
    expect(verified.key).toBe(premium.policyNumber);
    expect(verified.value).toEqual({
      eventId: expect.any(String),
      type: "gateway.payment.verified",
      version: 1,
      occurredAt: expect.any(String),
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      amount: 89.5,
      currency: "USD",
      transactionId: `AMK_KHQR_${premium.id}`,
      paidAt: "2025-10-07T05:00:00.000Z",
    });
    expect(records.find((r) => r.topic === "dev.gateway.payment.success")!.value).toMatchObject({
      channel: "KHQR",
      transactionId: `AMK_KHQR_${premium.id}`,
      amount: 89.5,
    });
  });

  it("acknowledges a non-SUCCESS webhook with 200, confirms nothing, publishes nothing, keeps it for audit", async () => {
    const premium = await paidPremium();
    const response = await sendWebhook(khqrWebhookFor(premium, { status: "FAILED" }));
    expect(response.status).toBe(200);
    expect((await response.json<any>()).data).toMatchObject({ transactionId: `AMK_KHQR_${premium.id}`, status: "FAILED" });
    expect(await verifications(String(premium.id))).toBe(0);
    expect(await kafkaRecords(premium.policyNumber)).toEqual([]);
    const receipt = await queryRow("SELECT status, outcome FROM webhook_receipts WHERE invoice_number = ?", String(premium.id));
    expect(receipt).toEqual({ status: "FAILED", outcome: "ACKNOWLEDGED" });
    // The customer pays after all: the SUCCESS webhook still confirms.
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
  });
});

describe("POST /AMK/khqr: refusals", () => {
  it("MERCHANT_NOT_BIND for a foreign merchant number, without calling AMK", async () => {
    const premium = await paidPremium();
    await expectError(await sendWebhook(khqrWebhookFor(premium, { merchant_number: "900000000999999" })), 422, "MERCHANT_NOT_BIND");
    expect(await verifications(String(premium.id))).toBe(0);
  });

  it("RESOURCE_NOT_FOUND for an invoice never issued or served", async () => {
    const premium = await seedPremium();
    await expectError(await sendWebhook(khqrWebhookFor(premium)), 404, "RESOURCE_NOT_FOUND");
    expect(await verifications(String(premium.id))).toBe(0);
  });

  it.each(["PENDING", "FAILED"])(
    "TRANSACTION_VERIFY_FAILED when AMK reports %s, and AMK's retry confirms once it settles",
    async (status) => {
      const premium = await paidPremium();
      await seedVerify(String(premium.id), { status, amount: premium.amount, currency: premium.currency });
      await expectError(await sendWebhook(khqrWebhookFor(premium)), 422, "TRANSACTION_VERIFY_FAILED");
      expect(await kafkaRecords(premium.policyNumber)).toEqual([]);
      // Not a final answer: it is not kept for replay, so the same webhook retried succeeds.
      await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency });
      const retry = await sendWebhook(khqrWebhookFor(premium));
      expect(retry.status).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
    },
  );

  it("TRANSACTION_VERIFY_FAILED when AMK does not know the transaction", async () => {
    const premium = await seedPremium();
    await serve(premium);
    await expectError(await sendWebhook(khqrWebhookFor(premium)), 422, "TRANSACTION_VERIFY_FAILED");
  });

  it("PAYMENT_VERIFICATION_DATA_MISMATCHED when AMK verified another amount", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: 15, currency: "USD" });
    const body = await expectError(await sendWebhook(khqrWebhookFor(premium)), 422, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
    expect(body.error.details).toContain("amount");
  });

  it("PAYMENT_VERIFICATION_DATA_MISMATCHED when AMK verified another currency", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: 150, currency: "KHR" });
    const body = await expectError(await sendWebhook(khqrWebhookFor(premium)), 422, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
    expect(body.error.details).toContain("currency");
  });

  it("matches the webhook against the QR issued, even when the premium changed after", async () => {
    const premium = await paidPremium();
    const issued = await (exports as any).GatewayEntrypoint.recordQrIssued({
      paymentId: premium.id,
      bankCode: "AMK",
      qrString: "000201010212...test",
    });
    expect(issued.ok).toBe(true);
    await seedPremium({ ...premium, amount: 175 });
    await env.PREMIUM_CACHE.delete(`premium:v1:${premium.policyNumber}`);
    await serve(premium);
    const response = await sendWebhook(khqrWebhookFor(premium));
    expect(response.status).toBe(200);
    const payment = await queryRow("SELECT amount_minor FROM payments WHERE payment_id = ?", premium.id);
    expect(payment).toEqual({ amount_minor: 15000 });
  });

  it("PAYMENT_VERIFICATION_DATA_MISMATCHED when webhook and AMK agree but differ from the premium", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: 100, currency: "USD" });
    await expectError(await sendWebhook(khqrWebhookFor(premium, { paid_amount: 100 })), 422, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  });

  it("MERCHANT_NOT_BIND when AMK answers 403", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { respond: { code: "403" } });
    await expectError(await sendWebhook(khqrWebhookFor(premium)), 422, "MERCHANT_NOT_BIND");
  });

  it.each(["401", "999"])("AMK_UNKNOWN_ERROR when AMK answers code %s", async (code) => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { respond: { code } });
    await expectError(await sendWebhook(khqrWebhookFor(premium)), 502, "AMK_UNKNOWN_ERROR");
  });

  it("AMK_UNKNOWN_ERROR when our hash is wrong (AMK checks it)", async () => {
    const premium = await paidPremium();
    await expectError(
      await sendWebhook(khqrWebhookFor(premium), { env: { AMK_SECRET_KEY: "not-the-shared-key" } }),
      502,
      "AMK_UNKNOWN_ERROR",
    );
  });

  it("SERVER_UNAVAILABLE when AMK is down, and the retry confirms once AMK is back (5xx is never stored)", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { respond: { httpStatus: 500 } });
    await expectError(await sendWebhook(khqrWebhookFor(premium)), 503, "SERVER_UNAVAILABLE");
    await clearVerify(String(premium.id));
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency });
    const retry = await sendWebhook(khqrWebhookFor(premium));
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  // workerd logs its own "Network connection lost" line for the refused connection; the test still judges our answer.
  it("SERVER_UNAVAILABLE when AMK cannot be reached", async () => {
    const premium = await paidPremium();
    await expectError(
      await sendWebhook(khqrWebhookFor(premium), { env: { AMK_VERIFY_URL: "http://127.0.0.1:9/verify" } }),
      503,
      "SERVER_UNAVAILABLE",
    );
  });
});
