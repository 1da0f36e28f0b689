// Recording a QR the KHQR worker issued: the issuance and its `khqr.generated-event`, in one unit
// of work that the store refuses for a paid premium. Every QR keeps its own record; recording it
// frees the premium's issuance lease for the next one.
import { PaymentError } from "./errors.ts";
import { qrGeneratedEvent } from "../events/payment-events.ts";
import { toAmount, toMoney } from "./money.ts";
import type { QrIssuedNotice } from "./gateway-rpc.ts";
import {
  afterAnswer,
  qrIdOf,
  type Clock,
  type IdempotencyKeeper,
  type Later,
  type PaymentRecord,
  type PaymentRecords,
  type PremiumRecords,
  type RecordsCommit,
} from "./ports.ts";
import { releaseQrIssuance } from "./premium-for-qr.ts";

type RecordQrDeps = {
  records: PremiumRecords & PaymentRecords & RecordsCommit;
  idempotency: IdempotencyKeeper;
  clock: Clock;
  later?: Later;
};

/**
 * One round trip: the notice says which premium and money the QR is for (premiumForQr read them,
 * and remembered the premium as offered), and the write itself refuses a QR for a paid premium or
 * for one the records never offered under that policy.
 * The lease is freed after the answer: the QR is recorded by then, so a request waiting for it
 * shows it. A notice from an older KHQR worker, without the premium's terms, reads them first.
 */
export async function recordQrIssuance(deps: RecordQrDeps, notice: QrIssuedNotice): Promise<{ eventId: string }> {
  try {
    return await recordIssued(deps, notice);
  } finally {
    if (notice.lease) await afterAnswer(deps, releaseQrIssuance(deps, notice.paymentId, notice.lease));
  }
}

async function recordIssued(deps: RecordQrDeps, notice: QrIssuedNotice): Promise<{ eventId: string }> {
  const terms = notice.policyNumber && notice.amount !== undefined && notice.currency ? notice : await termsFromRecords(deps, notice);
  const money = toMoney(terms.amount!, terms.currency!);
  const now = deps.clock.now();
  // What the QR asks is what its payment is judged against, even if the premium was re-priced while it was minted.
  const event = qrGeneratedEvent(
    { paymentId: notice.paymentId, policyNumber: terms.policyNumber!, money, bankCode: notice.bankCode },
    now.toISOString(),
  );
  const invoiceNumber = String(notice.paymentId);
  const issuedAt = now.toISOString();
  const outcome = await deps.records.commit(
    {
      issuance: {
        qrId: qrIdOf(invoiceNumber, issuedAt),
        invoiceNumber,
        paymentId: notice.paymentId,
        policyNumber: terms.policyNumber!,
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
  // Paid before this write (a bill paid at the counter while the QR was minted), or never offered
  // under this policy: the store refused the QR, so it is never shown.
  if (outcome === "payment-taken") {
    const payment = await deps.records.findPayment(notice.paymentId);
    if (payment) throw alreadyPaid(notice.paymentId, paidBy(payment));
    throw notOffered(notice.paymentId);
  }
  return { eventId: event.eventId };
}

/** The premium's terms from our records, unpaid (for a notice that does not carry them). */
async function termsFromRecords(deps: RecordQrDeps, notice: QrIssuedNotice) {
  const [premium, payment] = await Promise.all([deps.records.findPremium(notice.paymentId), deps.records.findPayment(notice.paymentId)]);
  if (!premium) throw notOffered(notice.paymentId);
  // Never a QR for a premium already paid (a stale cache copy, a payment racing the issuance).
  if (payment) throw alreadyPaid(notice.paymentId, paidBy(payment));
  const money = notice.amount !== undefined && notice.currency ? toMoney(notice.amount, notice.currency) : premium.money;
  return { policyNumber: premium.policyNumber, amount: toAmount(money), currency: money.currency };
}

const paidBy = (payment: PaymentRecord) => (payment.channel === "BILL" ? "bill payment" : "KHQR");

function notOffered(paymentId: number): PaymentError {
  return new PaymentError("RESOURCE_NOT_FOUND", "No premium was offered under this payment id and policy", {
    details: `paymentId: ${paymentId}`,
  });
}

function alreadyPaid(paymentId: number, by: string): PaymentError {
  return new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", { details: `paymentId: ${paymentId} was paid by ${by}` });
}
