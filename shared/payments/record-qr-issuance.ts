// Recording a QR the KHQR worker issued: the issuance, the premium it is for, and its
// `khqr.generated-event`, in one unit of work. The premium comes from our own records, unpaid.
// Every QR keeps its own record; recording it frees the premium's issuance lease for the next one.
import { PaymentError } from "./errors.ts";
import { qrGeneratedEvent } from "../events/payment-events.ts";
import { toMoney } from "./money.ts";
import type { QrIssuedNotice } from "./gateway-rpc.ts";
import { qrIdOf, type Clock, type IdempotencyKeeper, type RecordStore } from "./ports.ts";
import { releaseQrIssuance } from "./premium-for-qr.ts";

type RecordQrDeps = { records: RecordStore; idempotency: IdempotencyKeeper; clock: Clock };

export async function recordQrIssuance(deps: RecordQrDeps, notice: QrIssuedNotice): Promise<{ eventId: string }> {
  try {
    return await recordIssued(deps, notice);
  } finally {
    if (notice.lease) await releaseQrIssuance(deps, notice.paymentId, notice.lease);
  }
}

async function recordIssued(deps: RecordQrDeps, notice: QrIssuedNotice): Promise<{ eventId: string }> {
  const [premium, payment] = await Promise.all([deps.records.findPremium(notice.paymentId), deps.records.findPayment(notice.paymentId)]);
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "No premium was offered under this payment id", {
      details: `paymentId: ${notice.paymentId}`,
    });
  }
  // Never a QR for a premium already paid (a stale cache copy, a payment racing the issuance).
  if (payment) throw alreadyPaid(notice.paymentId, `${payment.channel === "BILL" ? "bill payment" : "KHQR"}`);
  const now = deps.clock.now();
  // What the QR asks is what its payment is judged against, even if the premium was re-priced while it was minted.
  const money = notice.amount !== undefined && notice.currency ? toMoney(notice.amount, notice.currency) : premium.money;
  const event = qrGeneratedEvent(
    { paymentId: premium.id, policyNumber: premium.policyNumber, money, bankCode: notice.bankCode },
    now.toISOString(),
  );
  const invoiceNumber = String(premium.id);
  const issuedAt = now.toISOString();
  const outcome = await deps.records.commit(
    {
      issuance: {
        qrId: qrIdOf(invoiceNumber, issuedAt),
        invoiceNumber,
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        money,
        bankCode: notice.bankCode,
        qrString: notice.qrString,
        issuedAt,
        expiresAt: notice.expiresAt,
      },
      events: [event],
    },
    now,
  );
  // Paid between the check above and this write: the store refused the QR, so it is never shown.
  if (outcome === "payment-taken") throw alreadyPaid(notice.paymentId, "a payment recorded while the QR was being issued");
  return { eventId: event.eventId };
}

function alreadyPaid(paymentId: number, by: string): PaymentError {
  return new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", { details: `paymentId: ${paymentId} was paid by ${by}` });
}
