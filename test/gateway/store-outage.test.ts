// Its own file: it breaks this file's records on purpose (its D1 database, or its PostgreSQL schema).
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { execute, queryRow } from "../support/records.ts";

describe("when the record store fails", () => {
  it("answers 503 SERVER_UNAVAILABLE, publishes nothing, and keeps no answer, so the retry succeeds", async () => {
    const premium = await seedPremium();
    const body = billConfirmationFor(premium);
    await execute("ALTER TABLE payments RENAME TO payments_away");
    const failed = await callGateway("/AMK/payments", { method: "POST", body });
    expect(failed.status).toBe(503);
    const envelope = await failed.json<any>();
    expect(envelope.error).toEqual({ code: "SERVER_UNAVAILABLE", message: "The payment store is unavailable; retry later" });
    expect(await kafkaRecords(premium.policyNumber)).toEqual([]);

    await execute("ALTER TABLE payments_away RENAME TO payments");
    const retry = await callGateway("/AMK/payments", { method: "POST", body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });

  it("leaves no payment behind when a later write of the same confirmation fails (its events)", async () => {
    const premium = await seedPremium();
    const body = billConfirmationFor(premium);
    // The payment row is written before the outbox rows: the failure comes after it, in the same unit of work.
    await execute("ALTER TABLE event_outbox RENAME TO event_outbox_away");
    const failed = await callGateway("/AMK/payments", { method: "POST", body });
    await execute("ALTER TABLE event_outbox_away RENAME TO event_outbox");
    expect(failed.status).toBe(503);
    expect(await queryRow("SELECT payment_id FROM payments WHERE payment_id = ?", premium.id)).toBeNull();

    const retry = await callGateway("/AMK/payments", { method: "POST", body });
    expect(retry.status).toBe(200);
    expect(await queryRow("SELECT channel FROM payments WHERE payment_id = ?", premium.id)).toEqual({ channel: "BILL" });
  });
});
