// Its own file: it breaks this file's D1 database on purpose.
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { execute } from "../support/records.ts";

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
});
