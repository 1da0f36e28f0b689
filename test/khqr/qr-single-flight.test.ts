// Scenario 4 of "KHQR money on the bank's word": simultaneous requests for one premium's QR (a
// double tap, an app's retry, a checkout beside a GET /khqr) are single-flight: AMK mints one QR,
// every request answers it, and the invoice has one QR and one khqr.generated-event. On D1 and
// PostgreSQL (the lease is the premium's Durable Object; the QR's row is in the records).
import { describe, expect, it } from "vitest";
import { eventually, qrGenerations } from "../support/amk.ts";
import { callKhqrApart as callKhqr } from "../support/khqr.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { queryRow } from "../support/records.ts";

const generatedEvents = async (policyNumber: string) =>
  (await kafkaRecords(policyNumber)).filter((r) => r.topic === "dev.khqr.generated-event");

describe("one QR per invoice under concurrency", () => {
  it("scenario 4: three GET /khqr at once for one premium answer the same QR; AMK mints it once", async () => {
    const premium = await seedPremium();
    const answers = await Promise.all(Array.from({ length: 3 }, () => callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const qrStrings = new Set(await Promise.all(answers.map(async (a) => (await a.json<any>()).data.qrString)));
    expect(qrStrings.size).toBe(1);
    expect(await qrGenerations(String(premium.id))).toBe(1);
    expect(await queryRow("SELECT COUNT(*) AS qrs FROM khqr_issuances WHERE invoice_number = ?", String(premium.id))).toEqual({ qrs: 1 });
    expect(
      await eventually(
        () => generatedEvents(premium.policyNumber),
        (events) => events.length > 0,
      ),
    ).toHaveLength(1);
  });

  it("scenario 4: a checkout and a GET /khqr at once share the one QR", async () => {
    const premium = await seedPremium();
    const [checkout, generated] = await Promise.all([
      callKhqr("/khqr/checkout", { method: "POST", body: { bankCode: "AMK", billNumber: premium.policyNumber } }),
      callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`),
    ]);
    expect([checkout.status, generated.status]).toEqual([201, 200]);
    expect((await checkout.json<any>()).data.expiresAt).toBe((await generated.json<any>()).data.expiresAt);
    expect(await qrGenerations(String(premium.id))).toBe(1);
  });
});
