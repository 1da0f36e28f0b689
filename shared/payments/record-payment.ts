// Recording a confirmed payment exactly once per premium, whichever channel it came through.
import { PaymentError } from "../errors.ts";
import { paymentEvents, type ConfirmedPayment } from "../events/payment-events.ts";
import type { Premium } from "../premium.ts";
import type { RecordStore, WebhookReceipt } from "./ports.ts";

/** The payment of `premium` the bank reported through `channel`: always the premium's own money and policy. */
export function confirmedPayment(
  premium: Premium,
  report: { channel: ConfirmedPayment["channel"]; transactionId: string; payer?: string; paidAt: string },
): ConfirmedPayment {
  return { paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money, ...report };
}

/**
 * Writes the payment with its events (and the webhook's receipt, when given) in one unit of work
 * and returns the new events' ids. The same payment already recorded (its idempotency answer was
 * lost) returns no ids; any other payment of the premium, or a transaction id already used, is a
 * 409 DUPLICATE_TRANSACTION.
 */
export async function recordPaymentOnce(
  records: RecordStore,
  payment: ConfirmedPayment,
  now: Date,
  receipt?: WebhookReceipt,
): Promise<string[]> {
  const events = paymentEvents(payment, now.toISOString());
  if ((await records.commit({ payment, receipt, events }, now)) === "committed") return events.map((e) => e.eventId);

  const existing = await records.findPayment(payment.paymentId);
  if (existing?.channel === payment.channel && existing.transactionId === payment.transactionId) {
    if (receipt) await records.commit({ receipt, events: [] }, now);
    return [];
  }
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
