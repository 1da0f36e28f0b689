// Recording a confirmed payment exactly once per premium, whichever channel it came through.
import { paymentEvents, type ConfirmedPayment } from "../../../shared/events/payment-events.ts";
import { PaymentError } from "../../../shared/errors.ts";
import type { PaymentLedger } from "./records/payment-ledger.ts";

/**
 * Writes the payment with its events and returns the new events' ids. The same payment already
 * recorded (its idempotency answer was lost) returns no ids; any other payment of the premium,
 * or a transaction id already used, is a 409 DUPLICATE_TRANSACTION.
 */
export async function recordPaymentOnce(ledger: PaymentLedger, payment: ConfirmedPayment, now: Date): Promise<string[]> {
  const events = paymentEvents(payment, now.toISOString());
  if ((await ledger.recordPayment(payment, events, now)) === "recorded") return events.map((e) => e.eventId);

  const existing = await ledger.findPayment(payment.paymentId);
  if (existing?.channel === payment.channel && existing.transactionId === payment.transactionId) return [];
  if (!existing) {
    throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction id was already used for another payment", {
      details: payment.transactionId,
    });
  }
  throw new PaymentError("DUPLICATE_TRANSACTION", "This premium is already paid", {
    details: `Payment ${payment.paymentId} already has a confirmed payment`,
    reason: `premium ${payment.paymentId} paid by ${existing.channel} ${existing.transactionId}`,
  });
}
