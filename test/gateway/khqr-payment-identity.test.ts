// One identity for a KHQR payment on every path, resting on what AMK's payment-verify says: the
// webhook's own paid_datetime is a hint, never what tells one payment of an invoice from another.
// Each scenario of the issue "KHQR money on the bank's word" that involves the records, on D1 and
// PostgreSQL alike.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { seedVerify, verifications } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, sendWebhook, serve } from "../support/khqr-webhook.ts";
import { AMK_BANK, callKhqr } from "../support/khqr.ts";
import { kafkaRecords, seedPremium, type TestPremium } from "../support/sandbox.ts";
import { execute, queryRow, queryRows } from "../support/records.ts";

async function runCron() {
  const ctx = createExecutionContext();
  await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** A QR recorded for the premium through the gateway's own RPC, issued `minutesAgo` (past the webhook's head start). */
async function recordQr(premium: TestPremium, minutesAgo: number, expiresInMinutes = 5) {
  const issuedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const expiresAt = new Date(Date.now() + expiresInMinutes * 60_000).toISOString();
  const reply = await (exports as any).GatewayEntrypoint.recordQrIssued({
    paymentId: premium.id,
    bankCode: "AMK",
    qrString: "qr",
    expiresAt,
  });
  expect(reply.ok).toBe(true);
  // Only the newest row of the invoice is moved back: the QRs keep their own rows.
  await execute(
    "UPDATE khqr_issuances SET issued_at = ? WHERE invoice_number = ? AND issued_at = (SELECT MAX(issued_at) FROM khqr_issuances WHERE invoice_number = ?)",
    issuedAt,
    String(premium.id),
    String(premium.id),
  );
}

async function qrIssued(minutesAgo = 10) {
  const premium = await seedPremium();
  await serve(premium);
  await recordQr(premium, minutesAgo);
  return premium;
}

/** AMK's payment-verify reports the invoice paid in full at `paidAt` (GMT+7), or with no time. */
const amkReportsPaid = (premium: TestPremium, paidAt: string | null) =>
  seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency, paidAt });

const exceptionsOf = (premium: TestPremium) =>
  queryRows<{ kind: string; channel: string; transaction_id: string }>(
    "SELECT kind, channel, transaction_id FROM payment_exceptions WHERE payment_id = ? ORDER BY recorded_at",
    premium.id,
  );

const exceptionEvents = async (premium: TestPremium) =>
  (await kafkaRecords(premium.policyNumber)).filter((r) => r.topic === "dev.gateway.payment.exception");

describe("one identity for a KHQR payment, on AMK's word", () => {
  it("scenario 1: a payment reconciliation booked without AMK's time is the late webhook's own payment (200, no exception)", async () => {
    const premium = await qrIssued();
    // AMK's payment-verify reports the payment with no paidAt: reconciliation books it first.
    await amkReportsPaid(premium, null);
    await runCron();
    expect(await queryRow("SELECT channel FROM payments WHERE payment_id = ?", premium.id)).toEqual({ channel: "KHQR" });

    const late = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 10:02:30.123456" }));
    expect(late.status).toBe(200);
    expect((await late.json<any>()).data.status).toBe("CONFIRMED");
    expect(await exceptionsOf(premium)).toEqual([]);
  });

  it("scenario 1: AMK's second and the webhook's rounding disagree: still one payment (200, no exception)", async () => {
    const premium = await qrIssued();
    await amkReportsPaid(premium, "2025-10-07 10:02:31");
    await runCron();
    const late = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 10:02:30.999999" }));
    expect(late.status).toBe(200);
    expect(await exceptionsOf(premium)).toEqual([]);
    // The booking keeps AMK's second: what a later, different payment is told apart from.
    expect(await queryRow("SELECT paid_second FROM payments WHERE payment_id = ?", premium.id)).toEqual({
      paid_second: "2025-10-07T03:02:31Z",
    });
  });

  for (const amkPaidAt of ["2025-10-07 12:00:00", null]) {
    it(`scenario 2: a QR paid after the premium was paid by bill is one exception, found by reconciliation then its webhook (AMK's time: ${amkPaidAt ?? "none"})`, async () => {
      const premium = await qrIssued();
      expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
      await amkReportsPaid(premium, amkPaidAt);
      await runCron();
      const webhook = await sendWebhook(khqrWebhookFor(premium));
      expect(webhook.status).toBe(409);
      const second = amkPaidAt ? "@2025-10-07T05:00:00Z" : "";
      expect(await exceptionsOf(premium)).toEqual([
        { kind: "DUPLICATE_PAYMENT", channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}${second}` },
      ]);
      expect(await exceptionEvents(premium)).toHaveLength(1);
    });
  }

  it("scenario 3: AMK's retry with its microseconds rendered again is the same payment (200, no exception)", async () => {
    const premium = await qrIssued();
    await amkReportsPaid(premium, "2025-10-07 12:00:00");
    expect((await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:00:00.123456" }))).status).toBe(200);
    const retry = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:00:00.123000" }));
    expect(retry.status).toBe(200);
    expect((await retry.json<any>()).data.status).toBe("CONFIRMED");
    expect(await exceptionsOf(premium)).toEqual([]);
  });

  it("scenario 3: a second payment is what AMK verifies at another second: flagged once, its retries add nothing", async () => {
    const premium = await qrIssued();
    await amkReportsPaid(premium, "2025-10-07 12:00:00");
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    await amkReportsPaid(premium, "2025-10-07 12:09:00");
    const second = khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:09:00.500000" });
    expect((await sendWebhook(second)).status).toBe(409);
    expect((await sendWebhook({ ...second, paid_datetime: "2025-10-07 12:09:00.500001" })).status).toBe(409);
    await runCron();
    expect(await exceptionsOf(premium)).toEqual([
      { kind: "DUPLICATE_PAYMENT", channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:09:00Z` },
    ]);
    expect(await exceptionEvents(premium)).toHaveLength(1);
  });

  it("a webhook whose instant AMK's per-invoice answer does not show (AMK reports the invoice's later payment) is another payment: flagged, not lost", async () => {
    const premium = await qrIssued();
    // The QR was paid twice; AMK's payment-verify reports the later payment (12:00:10) for the invoice.
    await amkReportsPaid(premium, "2025-10-07 12:00:10");
    expect((await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:00:10.250000" }))).status).toBe(200);
    const earlier = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:00:03.500000" }));
    expect(earlier.status).toBe(409);
    await runCron();
    expect(await exceptionsOf(premium)).toEqual([
      { kind: "DUPLICATE_PAYMENT", channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:00:03Z` },
    ]);
  });

  it("scenario 5: every QR of an invoice stays under reconciliation: a second payment on the other QR is found and flagged", async () => {
    const premium = await seedPremium();
    await serve(premium);
    await recordQr(premium, 12); // QR1, in its last minutes
    await recordQr(premium, 10); // QR2 beside it, at the same money
    await amkReportsPaid(premium, "2025-10-07 12:00:00");
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    // Both QRs can still be paid (the same QR can be scanned again): the booking settles neither, so reconciliation still asks.
    expect(
      await queryRow("SELECT COUNT(*) AS open FROM khqr_issuances WHERE invoice_number = ? AND resolved_at IS NULL", String(premium.id)),
    ).toEqual({
      open: 2,
    });

    // The customer pays the other QR too; that webhook is lost.
    await amkReportsPaid(premium, "2025-10-07 12:03:00");
    const asked = await verifications(String(premium.id));
    await runCron();
    expect(await verifications(String(premium.id))).toBeGreaterThan(asked);
    expect(await exceptionsOf(premium)).toEqual([
      { kind: "DUPLICATE_PAYMENT", channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:03:00Z` },
    ]);
  });

  it("scenario 5: a re-priced premium keeps showing its open QR at that QR's amount; AMK mints no second QR under the invoice", async () => {
    const premium = await seedPremium({ amount: 150 });
    const first = (await (await callKhqr(`/khqr?bankCode=${AMK_BANK}&billNumber=${premium.policyNumber}`)).json<any>()).data;
    // The Integration Service re-prices the premium under the same payment id; the cache forgets it.
    const repriced = await fetch(`${env.SANDBOX_URL}/__sandbox/premiums`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...premium, amount: 160 }),
    });
    expect(repriced.status).toBe(201);
    await env.PREMIUM_CACHE.delete(`premium:v1:${premium.policyNumber}`);

    const again = await callKhqr(`/khqr?bankCode=${AMK_BANK}&billNumber=${premium.policyNumber}`);
    expect(again.status).toBe(200);
    const shown = (await again.json<any>()).data;
    expect([shown.qrString, shown.amount]).toEqual([first.qrString, 150]);
    expect(await queryRow("SELECT COUNT(*) AS qrs FROM khqr_issuances WHERE invoice_number = ?", String(premium.id))).toEqual({ qrs: 1 });
  });
});
