// The simulator's sim-4 (seed 213): a bill payment committed between QR issuance's own paid check
// and its write. The store itself refuses the QR's row then, with the unit's event, on each store.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { qrIdOf } from "#shared/payments/ports.ts";
import { recordStore } from "../../workers/gateway/src/wiring.ts";
import { queryRow } from "../support/records.ts";

const money = { minor: 15_000, currency: "USD" as const };

describe("a QR for a paid premium", () => {
  it("is refused by the write itself (payment-taken), leaving neither the QR nor its event", async () => {
    const paymentId = 990_000 + Math.floor(Math.random() * 9_999);
    const store = recordStore(env);
    const now = new Date();
    const payment = {
      paymentId,
      policyNumber: "P000000099",
      money,
      channel: "BILL" as const,
      transactionId: `AMK${paymentId}`,
      paidAt: now.toISOString(),
    };
    expect(await store.commit({ payment, events: [] }, now)).toBe("committed");

    const invoiceNumber = String(paymentId);
    const issuance = {
      qrId: qrIdOf(invoiceNumber, now.toISOString()),
      invoiceNumber,
      paymentId,
      policyNumber: "P000000099",
      money,
      bankCode: "AMK",
      qrString: "qr",
      issuedAt: now.toISOString(),
    };
    const event = { eventId: crypto.randomUUID(), type: "khqr.generated-event", key: "P000000099", paymentId, value: {} };
    expect(await store.commit({ issuance, events: [event as never] }, now)).toBe("payment-taken");
    expect(await queryRow("SELECT 1 AS found FROM khqr_issuances WHERE invoice_number = ?", invoiceNumber)).toBeNull();
    expect(await queryRow("SELECT 1 AS found FROM event_outbox WHERE event_id = ?", event.eventId)).toBeNull();
  });
});
