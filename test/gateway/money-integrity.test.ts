// Every payment the bank reports is booked or flagged for a person, none is believed without proof,
// and no answer stays wrong forever.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { seedVerify } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { AMK_PAID_AT, khqrWebhookFor, paidPremium, sendWebhook, serve } from "../support/khqr-webhook.ts";
import { kafkaRecords, refuseKafka, seedPremium, type TestPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { execute, queryRow, queryRows } from "../support/records.ts";

async function runCron(overrides: Partial<Cloudflare.Env> = {}) {
  const ctx = createExecutionContext();
  await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

async function exceptionsFor(paymentId: number) {
  const rows = await queryRows(
    "SELECT kind, channel, transaction_id, amount_minor, currency FROM payment_exceptions WHERE payment_id = ?",
    paymentId,
  );
  return rows;
}

const topics = async (premium: TestPremium) => (await kafkaRecords(premium.policyNumber)).map((r) => r.topic).sort();

describe("money received twice is flagged, never dropped", () => {
  it("a bill payment and a KHQR payment at the same moment: one payment, one 409, one exception and its event; retries add none", async () => {
    const premium = await paidPremium();
    const bill = billConfirmationFor(premium);
    const [billAnswer, khqrAnswer] = await Promise.all([
      callGateway("/AMK/payments", { method: "POST", body: bill }),
      sendWebhook(khqrWebhookFor(premium)),
    ]);
    expect([billAnswer.status, khqrAnswer.status].sort()).toEqual([200, 409]);
    const payments = await queryRows("SELECT channel FROM payments WHERE payment_id = ?", premium.id);
    expect(payments).toHaveLength(1);
    const loser =
      billAnswer.status === 409
        ? { channel: "BILL", transaction_id: bill.bankTransactionId }
        : { channel: "KHQR", transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:00:00Z` };
    expect(await exceptionsFor(premium.id)).toEqual([{ kind: "DUPLICATE_PAYMENT", ...loser, amount_minor: 15000, currency: "USD" }]);

    // The bank retries the refused one: the same answer, nothing added.
    const retry =
      billAnswer.status === 409
        ? await callGateway("/AMK/payments", { method: "POST", body: bill })
        : await sendWebhook(khqrWebhookFor(premium));
    expect(retry.status).toBe(409);
    expect(await exceptionsFor(premium.id)).toHaveLength(1);
    const exceptionEvents = (await kafkaRecords(premium.policyNumber)).filter((r) => r.topic === "dev.gateway.payment.exception");
    expect(exceptionEvents.map((r) => r.value)).toEqual([
      {
        eventId: expect.any(String),
        type: "gateway.payment.exception",
        version: 1,
        occurredAt: expect.any(String),
        kind: "DUPLICATE_PAYMENT",
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        channel: loser.channel,
        transactionId: loser.transaction_id,
        amount: 150,
        currency: "USD",
      },
    ]);
    expect(exceptionEvents[0]!.key).toBe(premium.policyNumber);
  });

  it("a QR paid after the premium was paid by bill is found by reconciliation and flagged", async () => {
    const premium = await seedPremium();
    await serve(premium);
    expect((await (exports as any).GatewayEntrypoint.recordQrIssued({ paymentId: premium.id, bankCode: "AMK", qrString: "x" })).ok).toBe(
      true,
    );
    await execute(
      "UPDATE khqr_issuances SET issued_at = ? WHERE invoice_number = ?",
      new Date(Date.now() - 10 * 60_000).toISOString(),
      String(premium.id),
    );
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency });
    await runCron();
    expect(await exceptionsFor(premium.id)).toEqual([
      // Reconciliation knows the payment by AMK's verified time.
      {
        kind: "DUPLICATE_PAYMENT",
        channel: "KHQR",
        transaction_id: expect.stringMatching(new RegExp(`^AMK_KHQR_${premium.id}@\\d{4}-\\d\\d-\\d\\dT`)),
        amount_minor: 15000,
        currency: "USD",
      },
    ]);
    const issuance = await queryRow<{ resolved_at: string | null }>(
      "SELECT resolved_at FROM khqr_issuances WHERE invoice_number = ?",
      String(premium.id),
    );
    expect(issuance?.resolved_at).not.toBeNull();
    await runCron();
    expect(await topics(premium)).toContain("dev.gateway.payment.exception");
    expect(await exceptionsFor(premium.id)).toHaveLength(1);
  });

  it("a KHQR payment AMK verifies with another amount is refused and flagged with AMK's amount; the verify reply is kept", async () => {
    const premium = await paidPremium();
    await seedVerify(String(premium.id), { status: "SUCCESS", amount: 140, currency: "USD", paidAt: AMK_PAID_AT });
    const answer = await sendWebhook(khqrWebhookFor(premium));
    expect(answer.status).toBe(422);
    expect((await answer.json<any>()).error.code).toBe("PAYMENT_VERIFICATION_DATA_MISMATCHED");
    expect(await exceptionsFor(premium.id)).toEqual([
      {
        kind: "AMOUNT_MISMATCH",
        channel: "KHQR",
        transaction_id: `AMK_KHQR_${premium.id}@2025-10-07T05:00:00Z`,
        amount_minor: 14000,
        currency: "USD",
      },
    ]);
    expect((await sendWebhook(khqrWebhookFor(premium))).headers.get("idempotent-replayed")).toBe("true");
    expect(await exceptionsFor(premium.id)).toHaveLength(1);
    const receipt = await queryRow<any>(
      "SELECT outcome, verify_reply FROM webhook_receipts WHERE invoice_number = ? ORDER BY id",
      String(premium.id),
    );
    expect(receipt.outcome).toBe("PAYMENT_VERIFICATION_DATA_MISMATCHED");
    expect(JSON.parse(receipt.verify_reply.replace(/^HTTP 200 /, "")).data).toMatchObject({
      status: "SUCCESS",
      amount: 140,
      currency: "USD",
    });
  });
});

describe("a second bill payment is judged by the records, not by what the Integration Service offers now", () => {
  it("flags it with the money the bank reported once the paid premium is no longer offered, on both amounts", async () => {
    const premium = await seedPremium();
    // Confirmed without an inquiry: the premium is written with its payment.
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    expect(await queryRow<any>("SELECT amount_minor FROM premiums WHERE payment_id = ?", premium.id)).toEqual({ amount_minor: 15000 });
    // The Integration Service now offers the policy's next premium, at another amount.
    await seedPremium({ ...premium, id: premium.id + 1, amount: 120 });

    const same = billConfirmationFor(premium);
    const other = billConfirmationFor(premium, { amount: 95.25 });
    for (const body of [same, other]) {
      const answer = await callGateway("/AMK/payments", { method: "POST", body });
      expect(answer.status).toBe(409);
      expect((await answer.json<any>()).error.code).toBe("DUPLICATE_TRANSACTION");
    }
    const flagged = await exceptionsFor(premium.id);
    expect(flagged).toHaveLength(2);
    expect(flagged).toEqual(
      expect.arrayContaining([
        { kind: "DUPLICATE_PAYMENT", channel: "BILL", transaction_id: same.bankTransactionId, amount_minor: 15000, currency: "USD" },
        { kind: "DUPLICATE_PAYMENT", channel: "BILL", transaction_id: other.bankTransactionId, amount_minor: 9525, currency: "USD" },
      ]),
    );
    const retry = await callGateway("/AMK/payments", { method: "POST", body: other });
    expect([retry.status, retry.headers.get("idempotent-replayed")]).toEqual([409, "true"]);
    expect(await exceptionsFor(premium.id)).toHaveLength(2);
    expect(await queryRows("SELECT 1 FROM payments WHERE payment_id = ?", premium.id)).toHaveLength(1);
  });
});

describe("answers that could change are never kept, and caches never outlive a payment", () => {
  it("offers the policy's next premium at once after a payment", async () => {
    const premium = await seedPremium();
    await serve(premium); // cached now
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    const next = await seedPremium({ ...premium, id: premium.id + 1, dueDate: "2025-12-15" });
    const inquiry = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(inquiry.status).toBe(200);
    expect((await inquiry.json<any>()).data.id).toBe(next.id);
  });

  it("confirms a bill payment against the Integration Service when the offered copy is stale", async () => {
    const premium = await seedPremium({ amount: 150 });
    await serve(premium);
    const changed = await seedPremium({ ...premium, amount: 160 });
    const answer = await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(changed) });
    expect(answer.status).toBe(200);
  });

  it("does not keep 'not found' for replay: the confirmation succeeds once the Integration Service knows the premium", async () => {
    const premium = {
      id: 1_900_000 + Math.floor(Math.random() * 99_999),
      policyNumber: `N${String(Date.now()).slice(-9)}`,
      payer: "Late",
      amount: 10,
      currency: "USD" as const,
      dueDate: "2026-01-01",
    };
    const body = billConfirmationFor(premium);
    expect((await callGateway("/AMK/payments", { method: "POST", body })).status).toBe(404);
    await seedPremium(premium);
    const retry = await callGateway("/AMK/payments", { method: "POST", body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it("answers an inquiry from the Integration Service when KV fails", async () => {
    const premium = await seedPremium();
    const broken = {
      get: () => Promise.reject(new Error("KV down")),
      put: () => Promise.reject(new Error("KV down")),
      delete: () => Promise.reject(new Error("KV down")),
    };
    const answer = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, {
      env: { PREMIUM_CACHE: broken as unknown as KVNamespace },
    });
    expect(answer.status).toBe(200);
  });
});

describe("event delivery", () => {
  it("an event Kafka keeps refusing does not delay or repeat the next payment's events", async () => {
    const confluent = { KAFKA_REST_FLAVOR: "confluent-v3" } as Partial<Cloudflare.Env>;
    const stuck = await seedPremium();
    const next = await seedPremium();
    await refuseKafka(stuck.policyNumber, true);
    await refuseKafka(next.policyNumber, true);
    for (const premium of [stuck, next]) {
      expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium), env: confluent })).status).toBe(200);
    }
    await refuseKafka(next.policyNumber, false);
    await execute(
      "UPDATE event_outbox SET next_attempt_at = ? WHERE message_key IN (?, ?)",
      new Date(0).toISOString(),
      stuck.policyNumber,
      next.policyNumber,
    );
    await runCron(confluent);
    expect(await topics(next)).toEqual(["dev.gateway.payment.confirmed", "dev.gateway.payment.success"]);
    expect(await topics(stuck)).toEqual([]);
    await runCron(confluent);
    expect(await kafkaRecords(next.policyNumber)).toHaveLength(2);
    await refuseKafka(stuck.policyNumber, false);
  });
});
