import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { queryRow, queryRows } from "../support/records.ts";

async function confirm(body: unknown) {
  return callGateway("/AMK/payments", { method: "POST", body });
}

describe("POST /AMK/payments: confirming a bill payment", () => {
  it("confirms a payment that matches the premium offered, as the spec's response", async () => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const body = billConfirmationFor(premium);
    const response = await confirm(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      data: {
        transactionId: body.bankTransactionId,
        paymentReferenceId: String(premium.id),
        status: "CONFIRMED",
        message: "Payment successfully processed",
      },
    });
  });

  it("records the payment with its events in D1, converted to UTC and minor units", async () => {
    const premium = await seedPremium({ amount: 89.5 });
    const body = billConfirmationFor(premium);
    expect((await confirm(body)).status).toBe(200);
    const payment = await queryRow("SELECT * FROM payments WHERE payment_id = ?", premium.id);
    expect(payment).toMatchObject({
      channel: "BILL",
      transaction_id: body.bankTransactionId,
      amount_minor: 8950,
      currency: "USD",
      paid_at: "2025-10-07T05:00:00.000Z",
    });
    const outbox = await queryRows(
      "SELECT type, message_key, published_at FROM event_outbox WHERE message_key = ? ORDER BY type",
      premium.policyNumber,
    );
    expect(outbox.map((r) => r.type)).toEqual(["gateway.payment.confirmed", "gateway.payment.success"]);
    expect(outbox.every((r) => r.published_at !== null)).toBe(true);
  });

  it("confirms against the Integration Service when the premium was never inquired", async () => {
    const premium = await seedPremium({ currency: "KHR", amount: 400000 });
    const response = await confirm(billConfirmationFor(premium));
    expect(response.status).toBe(200);
  });

  it("publishes gateway.payment.confirmed and gateway.payment.success, keyed by policy number", async () => {
    const premium = await seedPremium({ amount: 150.0 });
    const body = billConfirmationFor(premium, { payer: "Jane Roe" });
    expect((await confirm(body)).status).toBe(200);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.map((r) => r.topic).sort()).toEqual(["dev.gateway.payment.confirmed", "dev.gateway.payment.success"]);
    const confirmed = records.find((r) => r.topic === "dev.gateway.payment.confirmed")!;
    const success = records.find((r) => r.topic === "dev.gateway.payment.success")!;
    expect(confirmed.key).toBe(premium.policyNumber);
    expect(confirmed.value).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "gateway.payment.confirmed",
      version: 1,
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      amount: 150,
      currency: "USD",
      bankTransactionId: body.bankTransactionId,
      payer: "Jane Roe",
      paidAt: "2025-10-07T05:00:00.000Z",
    });
    expect(success.value).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "gateway.payment.success",
      version: 1,
      occurredAt: confirmed.value.occurredAt,
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      amount: 150,
      currency: "USD",
      channel: "BILL",
      transactionId: body.bankTransactionId,
    });
    expect(success.value.eventId).not.toBe(confirmed.value.eventId);
    expect(confirmed.headers).toEqual([{ key: "eventId", value: confirmed.value.eventId }]);
  });

  it.each([
    ["amount", { amount: 149.99 }, "amount"],
    ["currency", { currency: "KHR", amount: 150 }, "currency"],
    ["policy number", { policyNumber: "Z999999999" }, "policyNumber"],
  ])("refuses a different %s with 422 PAYMENT_VERIFICATION_DATA_MISMATCHED", async (_field, change, named) => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const response = await confirm(billConfirmationFor(premium, change));
    expect(response.status).toBe(422);
    const body = await response.json<any>();
    expect(body.error.code).toBe("PAYMENT_VERIFICATION_DATA_MISMATCHED");
    expect(body.error.details).toContain(named);
    expect(await kafkaRecords(premium.policyNumber)).toEqual([]);
  });

  it("refuses an id that is not the premium due for the policy", async () => {
    const premium = await seedPremium();
    const response = await confirm(billConfirmationFor(premium, { id: premium.id + 1 }));
    expect(response.status).toBe(422);
    expect((await response.json<any>()).error.code).toBe("PAYMENT_VERIFICATION_DATA_MISMATCHED");
  });

  it("answers 404 for a premium nobody knows", async () => {
    const response = await confirm(
      billConfirmationFor({ id: 77, policyNumber: "N000000077", payer: "x", amount: 1, currency: "USD", dueDate: "2025-01-01" }),
    );
    expect(response.status).toBe(404);
    expect((await response.json<any>()).error.code).toBe("RESOURCE_NOT_FOUND");
  });

  it("answers 503 and keeps nothing when the Integration Service is down, so AMK's retry can succeed", async () => {
    const premium = await seedPremium({ availability: "unavailable" });
    const body = billConfirmationFor(premium);
    const first = await confirm(body);
    expect(first.status).toBe(503);
    await seedPremium({ ...premium, availability: "ok" });
    const retry = await confirm(body);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it("no longer offers a paid premium at inquiry", async () => {
    const premium = await seedPremium();
    expect((await confirm(billConfirmationFor(premium))).status).toBe(200);
    const inquiry = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(inquiry.status).toBe(404);
    const body = await inquiry.json<any>();
    expect(body.error.code).toBe("RESOURCE_NOT_FOUND");
    expect(body.error.details).toContain("paid");
  });
});

describe("events through a Confluent REST proxy (KAFKA_REST_FLAVOR=confluent-v3)", () => {
  it("publishes the same events with the confluent-v3 records API", async () => {
    const premium = await seedPremium();
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      body: billConfirmationFor(premium),
      env: { KAFKA_REST_FLAVOR: "confluent-v3", KAFKA_CLUSTER_ID: "sandbox-cluster" } as never,
    });
    expect(response.status).toBe(200);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.map((r) => [r.topic, (r as any).flavor]).sort()).toEqual([
      ["dev.gateway.payment.confirmed", "confluent-v3"],
      ["dev.gateway.payment.success", "confluent-v3"],
    ]);
    expect(records[0]!.value.policyNumber).toBe(premium.policyNumber);
  });
});
