import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { seedVerify, verifications } from "../support/amk.ts";
import { khqrWebhookFor, sendWebhook, serve } from "../support/khqr-webhook.ts";
import { kafkaRecords, seedPremium, type TestPremium } from "../support/sandbox.ts";
import { execute, queryRow } from "../support/records.ts";

async function runCron() {
  const ctx = createExecutionContext();
  await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A QR issued `minutesAgo` for a fresh premium, through the gateway's own RPC. */
async function issuedQr(minutesAgo: number): Promise<TestPremium> {
  const premium = await seedPremium();
  await serve(premium);
  await issueAgain(premium, minutesAgo);
  return premium;
}

/** Another QR for the same premium (its invoice number is the premium's id), issued `minutesAgo`. */
async function issueAgain(premium: TestPremium, minutesAgo: number) {
  const reply = await (exports as any).GatewayEntrypoint.recordQrIssued({
    paymentId: premium.id,
    bankCode: "AMK",
    qrString: "test",
  });
  expect(reply.ok).toBe(true);
  const issuedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await execute("UPDATE khqr_issuances SET issued_at = ? WHERE invoice_number = ?", issuedAt, String(premium.id));
}

describe("KHQR reconciliation (cron): a lost webhook does not leave a paid premium unpaid", () => {
  it("confirms a QR that AMK reports paid, publishes its events, and the late webhook gets the same success", async () => {
    const premium = await issuedQr(10);
    // AMK's record of the payment: the same second as the webhook that is late (khqrWebhookFor's).
    await seedVerify(String(premium.id), {
      status: "SUCCESS",
      amount: premium.amount,
      currency: premium.currency,
      paidAt: "2025-10-07 12:00:00",
    });
    await runCron();

    const payment = await queryRow("SELECT channel, transaction_id FROM payments WHERE payment_id = ?", premium.id);
    expect(payment).toEqual({ channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}` });
    const topics = (await kafkaRecords(premium.policyNumber)).map((r) => r.topic).sort();
    expect(topics).toEqual(["dev.gateway.payment.success", "dev.gateway.payment.verified", "dev.khqr.generated-event"]);

    const late = await sendWebhook(khqrWebhookFor(premium));
    expect(late.status).toBe(200);
    expect((await late.json<any>()).data.status).toBe("CONFIRMED");
    expect((await kafkaRecords(premium.policyNumber)).filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
  });

  it("leaves a QR AMK reports PENDING unpaid and does not ask again within 5 minutes", async () => {
    const premium = await issuedQr(10);
    await seedVerify(String(premium.id), { status: "PENDING", amount: premium.amount, currency: premium.currency });
    await runCron();
    await runCron();
    expect(await verifications(String(premium.id))).toBe(1);
    expect(await queryRow("SELECT 1 FROM payments WHERE payment_id = ?", premium.id)).toBeNull();
  });

  it("asks about a QR issued again after the last one was settled, so its lost webhook is still found", async () => {
    const premium = await issuedQr(10);
    // The first QR's payment came with the wrong amount: flagged for a person, that QR settled, the premium still due.
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount + 1, currency: premium.currency });
    expect((await sendWebhook(khqrWebhookFor(premium, { paid_amount: premium.amount + 1 }))).status).toBe(422);
    expect(await queryRow("SELECT 1 FROM khqr_issuances WHERE invoice_number = ? AND resolved_at IS NULL", String(premium.id))).toBeNull();

    // The customer scans a new QR and pays it in full; its webhook never arrives.
    await issueAgain(premium, 10);
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency });
    await runCron();
    const payment = await queryRow("SELECT channel, transaction_id FROM payments WHERE payment_id = ?", premium.id);
    expect(payment).toEqual({ channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}` });
  });

  it("gives the webhook a head start: a QR issued a moment ago is not asked about", async () => {
    const premium = await issuedQr(0);
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency });
    await runCron();
    expect(await verifications(String(premium.id))).toBe(0);
  });
});
