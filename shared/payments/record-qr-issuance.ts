// Recording a QR the KHQR worker issued: the issuance, the premium it is for, and its
// `khqr.generated-event`, in one unit of work. The premium comes from our own records, unpaid.
import { PaymentError } from "../errors.ts";
import { qrGeneratedEvent } from "../events/payment-events.ts";
import type { QrIssuedNotice } from "./gateway-rpc.ts";
import type { Clock, RecordStore } from "./ports.ts";

export async function recordQrIssuance(deps: { records: RecordStore; clock: Clock }, notice: QrIssuedNotice): Promise<{ eventId: string }> {
  const [premium, payment] = await Promise.all([deps.records.findPremium(notice.paymentId), deps.records.findPayment(notice.paymentId)]);
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "No premium was offered under this payment id", {
      details: `paymentId: ${notice.paymentId}`,
    });
  }
  // Never a QR for a premium already paid (a stale cache copy, a payment racing the issuance).
  if (payment) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", {
      details: `paymentId: ${notice.paymentId} was paid by ${payment.channel === "BILL" ? "bill payment" : "KHQR"}`,
    });
  }
  const now = deps.clock.now();
  const event = qrGeneratedEvent(
    { paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money, bankCode: notice.bankCode },
    now.toISOString(),
  );
  await deps.records.commit(
    {
      issuance: {
        invoiceNumber: String(premium.id),
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        money: premium.money,
        bankCode: notice.bankCode,
        qrString: notice.qrString,
        issuedAt: now.toISOString(),
        expiresAt: notice.expiresAt,
      },
      events: [event],
    },
    now,
  );
  return { eventId: event.eventId };
}
