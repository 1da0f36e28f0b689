import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { queryRow } from "../support/records.ts";

async function confirm(body: unknown) {
  return callGateway("/AMK/payments", { method: "POST", body });
}

describe("POST /AMK/payments: idempotency and double payment", () => {
  it("replays the stored answer for a repeat with the same body, marked as a replay", async () => {
    const premium = await seedPremium();
    const body = billConfirmationFor(premium);
    const first = await confirm(body);
    const firstBody = await first.text();
    const repeat = await confirm(body);
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
    expect(await repeat.text()).toBe(firstBody);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await kafkaRecords(premium.policyNumber)).toHaveLength(2);
  });

  it("replays a final refusal too (the same mismatch gets the same 422)", async () => {
    const premium = await seedPremium();
    const body = billConfirmationFor(premium, { amount: 1 });
    expect((await confirm(body)).status).toBe(422);
    const repeat = await confirm(body);
    expect(repeat.status).toBe(422);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers 409 DUPLICATE_TRANSACTION for the same bank transaction id with a different body", async () => {
    const premium = await seedPremium();
    const body = billConfirmationFor(premium);
    expect((await confirm(body)).status).toBe(200);
    const conflicting = await confirm({ ...body, payer: "Someone Else" });
    expect(conflicting.status).toBe(409);
    expect((await conflicting.json<any>()).error.code).toBe("DUPLICATE_TRANSACTION");
  });

  it("answers 409 for a second transaction paying a premium already paid, and publishes only its exception", async () => {
    const premium = await seedPremium();
    expect((await confirm(billConfirmationFor(premium))).status).toBe(200);
    const second = await confirm(billConfirmationFor(premium));
    expect(second.status).toBe(409);
    const body = await second.json<any>();
    expect(body.error.code).toBe("DUPLICATE_TRANSACTION");
    expect(body.error.message).toContain("already paid");
    const topics = (await kafkaRecords(premium.policyNumber)).map((r) => r.topic).sort();
    expect(topics).toEqual(["dev.gateway.payment.confirmed", "dev.gateway.payment.exception", "dev.gateway.payment.success"]);
  });

  it("turns 20 concurrent duplicates into one record and exactly one event of each type", async () => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const body = billConfirmationFor(premium);
    const responses = await Promise.all(Array.from({ length: 20 }, () => confirm(body)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const fresh = responses.filter((r) => r.status === 200 && r.headers.get("idempotent-replayed") === null);
    expect(fresh).toHaveLength(1);
    const rows = await queryRow<{ n: number }>("SELECT COUNT(*) AS n FROM payments WHERE payment_id = ?", premium.id);
    expect(rows?.n).toBe(1);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.confirmed")).toHaveLength(1);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.success")).toHaveLength(1);
  });

  it("lets only one of 20 concurrent different transactions pay the same premium, and flags each of the others once", async () => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const responses = await Promise.all(Array.from({ length: 20 }, () => confirm(billConfirmationFor(premium))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const records = await kafkaRecords(premium.policyNumber);
    expect(records.filter((r) => r.topic !== "dev.gateway.payment.exception")).toHaveLength(2);
    expect(records.filter((r) => r.topic === "dev.gateway.payment.exception")).toHaveLength(19);
    const flagged = await queryRow<{ n: number }>("SELECT COUNT(*) AS n FROM payment_exceptions WHERE payment_id = ?", premium.id);
    expect(flagged?.n).toBe(19);
  });
});
