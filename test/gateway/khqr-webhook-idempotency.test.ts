import { describe, expect, it } from "vitest";
import { seedVerify, verifications } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook, serve } from "../support/khqr-webhook.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { queryRow, queryRows } from "../support/records.ts";

describe("POST /AMK/khqr: idempotency per invoice and content", () => {
  it("replays the stored answer for the same webhook without asking AMK again", async () => {
    const premium = await paidPremium();
    const first = await sendWebhook(khqrWebhookFor(premium));
    const firstBody = await first.text();
    const repeat = await sendWebhook(khqrWebhookFor(premium));
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
    expect(await repeat.text()).toBe(firstBody);
    expect(await verifications(String(premium.id))).toBe(1);
  });

  it("flags a payment AMK verifies at another second for an invoice already paid: a second payment, 409, never a second booking", async () => {
    const premium = await paidPremium();
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    // The invoice paid again: AMK's payment-verify now reports that payment, a second later.
    await seedVerify(String(premium.id), {
      status: "SUCCESS",
      amount: premium.amount,
      currency: premium.currency,
      paidAt: "2025-10-07 12:00:06",
    });
    const other = await sendWebhook(khqrWebhookFor(premium, { paid_datetime: "2025-10-07 12:00:06.000000" }));
    expect(other.status).toBe(409);
    expect((await other.json<any>()).error.code).toBe("DUPLICATE_TRANSACTION");
    const exceptions = await queryRows<any>(
      "SELECT kind, transaction_id, amount_minor FROM payment_exceptions WHERE payment_id = ?",
      premium.id,
    );
    expect(exceptions).toEqual([
      { kind: "DUPLICATE_PAYMENT", transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:00:06Z`, amount_minor: 15000 },
    ]);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.exception")).toHaveLength(1);
  });

  it("never lets a refused webhook block a later, correct one for the same invoice", async () => {
    const premium = await paidPremium();
    const wrong = await sendWebhook(khqrWebhookFor(premium, { paid_amount: premium.amount + 1 }));
    expect(wrong.status).toBe(422);
    expect((await sendWebhook(khqrWebhookFor(premium, { paid_amount: premium.amount + 1 }))).headers.get("idempotent-replayed")).toBe(
      "true",
    );
    const right = await sendWebhook(khqrWebhookFor(premium));
    expect(right.status).toBe(200);
    expect((await right.json<any>()).data.status).toBe("CONFIRMED");
  });

  it("turns 20 concurrent duplicate webhooks into one confirmation and one event of each type", async () => {
    const premium = await paidPremium();
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendWebhook(khqrWebhookFor(premium))));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(responses.filter((r) => r.status === 200 && r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    const rows = await queryRow<{ n: number }>("SELECT COUNT(*) AS n FROM payments WHERE payment_id = ?", premium.id);
    expect(rows?.n).toBe(1);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.verified")).toHaveLength(1);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
    expect(await verifications(String(premium.id))).toBe(1);
  });
});

describe("one payment per premium across channels", () => {
  it("refuses a bill payment for a premium already paid by KHQR", async () => {
    const premium = await paidPremium();
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    const bill = await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) });
    expect(bill.status).toBe(409);
    expect((await bill.json<any>()).error.code).toBe("DUPLICATE_TRANSACTION");
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
  });

  it("refuses a KHQR payment for a premium already paid by bill payment", async () => {
    const premium = await paidPremium();
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    const webhook = await sendWebhook(khqrWebhookFor(premium));
    expect(webhook.status).toBe(409);
    expect((await webhook.json<any>()).error.message).toContain("already paid");
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.verified")).toHaveLength(0);
  });

  it("lets exactly one channel win when a bill payment and a KHQR webhook race", async () => {
    const premium = await paidPremium();
    const [bill, khqr] = await Promise.all([
      callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) }),
      sendWebhook(khqrWebhookFor(premium)),
    ]);
    expect([bill.status, khqr.status].sort()).toEqual([200, 409]);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
  });
});

describe("POST /AMK/khqr: input validation (400 BAD_REQUEST)", () => {
  const premium = {
    id: 150001,
    policyNumber: "P123456789",
    payer: "John Doe",
    amount: 150,
    currency: "USD" as const,
    dueDate: "2025-11-15",
  };
  it.each([
    ["invoice_number missing", { invoice_number: undefined }, "invoice_number"],
    ["invoice_number as a number", { invoice_number: 150001 }, "invoice_number"],
    ["invoice_number not digits", { invoice_number: "INV-1" }, "invoice_number"],
    ["status missing", { status: undefined }, "status"],
    ["status lower case", { status: "success" }, "status"],
    ["merchant_number missing", { merchant_number: undefined }, "merchant_number"],
    ["paid_amount as a string", { paid_amount: "150.00" }, "paid_amount"],
    ["paid_amount negative", { paid_amount: -150 }, "paid_amount"],
    ["paid_amount with 3 decimals", { paid_amount: 150.001 }, "paid_amount"],
    ["currency unknown", { currency: "THB" }, "currency"],
    ["paid_datetime without microseconds", { paid_datetime: "2025-10-07 12:00:00" }, "paid_datetime"],
    ["paid_datetime impossible", { paid_datetime: "2025-02-30 12:00:00.000000" }, "paid_datetime"],
  ])("%s", async (_case, change, field) => {
    const response = await sendWebhook(khqrWebhookFor(premium, change));
    expect(response.status).toBe(400);
    const body = await response.json<any>();
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.details).toMatch(new RegExp(`(^|; )${field}: `));
  });
});
