// KHQR payment confirmation. A KHQR payment is reported by AMK's webhook, or found by our own
// reconciliation check; either way we believe it only after AMK's payment-verify confirms it, and
// judge it the same way: against the QR we issued, under the same idempotency, with the same audit.
import { parseCambodiaDateTime } from "../bank-time.ts";
import { PaymentError, toPaymentError } from "../errors.ts";
import { sameMoney, type Money } from "../money.ts";
import type { Premium } from "../premium.ts";
import { answerIdempotently, fingerprint, type AnsweredRequest } from "./idempotent-answer.ts";
import { mismatch, requireMatch } from "./matching.ts";
import type { Clock, IdempotencyKeeper, Later, PaymentRecord, PaymentVerifier, PremiumCache, RecordStore, WebhookReceipt } from "./ports.ts";
import { bookPayment, confirmedPayment, flagException, type ReportAudit } from "./record-payment.ts";

/** A KHQR payment as reported: by AMK's webhook, or by our reconciliation pass asking AMK. */
export interface KhqrReport {
  source: WebhookReceipt["source"];
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  money: Money;
  /** ISO-8601 UTC, as the webhook reported it (reconciliation has none). */
  paidAt?: string;
}

export interface KhqrConfirmationResult {
  transactionId: string;
  status: string;
  message: string;
}

export type KhqrPaymentDeps = {
  records: RecordStore;
  cache: PremiumCache;
  verifier: PaymentVerifier;
  idempotency: IdempotencyKeeper;
  clock: Clock;
  merchantId: string;
  later?: Later;
};

export const khqrTransactionId = (invoiceNumber: string) => `AMK_KHQR_${invoiceNumber}`;

/**
 * Judges a KHQR report in the contract's order (merchant binding, idempotency, business checks)
 * and keeps a receipt of it with AMK's verify reply, whatever the outcome. A report's identity is
 * its invoice with its content: a refused report never blocks a later, different one for the same
 * invoice; one payment per premium holds through the records.
 */
export async function receiveKhqrReport(
  deps: KhqrPaymentDeps,
  report: KhqrReport,
  request: { input: unknown; requestId: string; receipt: Omit<WebhookReceipt, "outcome" | "requestId" | "source" | "verifyReply"> },
): Promise<AnsweredRequest> {
  const audit = reportAudit(report, request);
  try {
    if (report.merchantNumber !== deps.merchantId) {
      throw new PaymentError("MERCHANT_NOT_BIND", "The merchant number is not bound to this service", {
        details: `merchant_number: ${report.merchantNumber}`,
      });
    }
    if (report.status !== "SUCCESS") {
      // Nothing changes state, so this needs no idempotency: acknowledge, keep for audit, publish nothing.
      await expectedPayment(deps.records, report.invoiceNumber);
      await audit.commit(deps, "ACKNOWLEDGED");
      const data = acknowledged(report);
      return { answer: { status: 200, body: JSON.stringify({ success: true, data }) }, replayed: false, eventIds: [] };
    }
    const key = `khqr:${report.invoiceNumber}:${await fingerprint(request.input)}`;
    const answered = await answerIdempotently(deps, { key, input: request.input, requestId: request.requestId }, () =>
      confirmKhqrPayment(deps, report, audit),
    );
    if (answered.replayed) await audit.commit(deps, "REPLAYED");
    if (answered.refusal) await audit.commit(deps, answered.refusal.code);
    return answered;
  } catch (error) {
    await audit.commit(deps, toPaymentError(error).code);
    throw error;
  }
}

async function confirmKhqrPayment(deps: KhqrPaymentDeps, report: KhqrReport, audit: ReportAuditTrail) {
  const premium = await expectedPayment(deps.records, report.invoiceNumber);
  const verification = await deps.verifier.verify(report.invoiceNumber);
  audit.verifyReply = verification.reply;
  if ("refusal" in verification) throw verification.refusal;
  const { verified } = verification;
  const now = deps.clock.now();
  const transactionId = khqrTransactionId(report.invoiceNumber);
  const amkPaidAt = verified.paidAt ? parseCambodiaDateTime(verified.paidAt) : null;
  // This one payment, among others an invoice may receive: flagged under it, so each is flagged once.
  const flaggedAs = khqrPaymentReference(report.invoiceNumber, report.paidAt ?? amkPaidAt);
  const amkMismatch = mismatch(premium, [verified]);
  if (amkMismatch) {
    // AMK says money moved, but not what the QR asked for: flag it with AMK's amount for a person.
    const eventIds = await flagException(
      deps.records,
      {
        kind: "AMOUNT_MISMATCH",
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        channel: "KHQR",
        transactionId: flaggedAs,
        money: verified.money,
      },
      now,
      { audit, outcome: "PAYMENT_VERIFICATION_DATA_MISMATCHED", resolveIssuance: report.invoiceNumber },
    );
    throw mismatch(premium, [verified, report], eventIds);
  }
  requireMatch(premium, [report]);
  const payment = confirmedPayment(premium, {
    channel: "KHQR",
    transactionId,
    payer: premium.payer,
    // AMK's verified time is the truth; the webhook's is a hint.
    paidAt: amkPaidAt ?? report.paidAt ?? now.toISOString(),
  });
  const eventIds = await bookPayment(deps, payment, now, {
    audit,
    resolveIssuance: report.invoiceNumber,
    flaggedAs,
    sameAs: (booked) => sameKhqrPayment(deps.records, booked, { report, amkPaidAt, paidDatetime: audit.receipt("").paidDatetime }),
  });
  const data: KhqrConfirmationResult = { transactionId, status: "CONFIRMED", message: "KHQR payment successfully processed" };
  return { data, eventIds };
}

/**
 * One KHQR payment of an invoice: the invoice's transaction id with the second the bank says it
 * was paid (the webhook's time, else AMK's verified one; AMK's has whole seconds, so both name one
 * payment alike and a webhook and reconciliation flag it once). An invoice paid twice (a QR
 * scanned twice) yields two references, so each payment that cannot be booked is flagged once.
 */
export function khqrPaymentReference(invoiceNumber: string, paidAt: string | null | undefined): string {
  return paidAt ? `${khqrTransactionId(invoiceNumber)}@${toSecond(paidAt)}` : khqrTransactionId(invoiceNumber);
}

/** An ISO-8601 UTC time to the second (`2025-10-07T05:00:00Z`). */
const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;

/**
 * Whether the KHQR payment booked for this invoice is the one now reported again (a retry whose
 * kept answer was lost, reconciliation finding what a webhook booked, or the reverse) and not a
 * second payment, which is told by its paid time. A webhook against the webhook that booked it: the
 * same `paid_datetime`, exactly. A webhook against a payment reconciliation booked: its second is
 * the booked one (AMK's). Reconciliation: AMK's verified second, when AMK gives one, is the booked
 * one (AMK verifies per invoice, so without a time it cannot tell payments apart). Always the same money.
 */
async function sameKhqrPayment(
  records: RecordStore,
  booked: PaymentRecord,
  reported: { report: KhqrReport; amkPaidAt: string | null; paidDatetime: string },
): Promise<boolean> {
  const { report, amkPaidAt, paidDatetime } = reported;
  if (!sameMoney(booked.money, report.money)) return false;
  if (report.source === "WEBHOOK" && report.paidAt) {
    const { receipts } = await records.history(booked.paymentId);
    const booking = receipts.find((r) => r.outcome === "CONFIRMED");
    if (booking?.source === "WEBHOOK") return booking.paidDatetime === paidDatetime;
    return toSecond(report.paidAt) === toSecond(booked.paidAt);
  }
  return amkPaidAt === null || toSecond(amkPaidAt) === toSecond(booked.paidAt);
}

/**
 * What the invoice must be paid with: the QR we issued for it (its amount, even if the premium
 * changed since), else the premium we served under that payment id; 404 when neither exists.
 */
export async function expectedPayment(records: RecordStore, invoiceNumber: string): Promise<Premium> {
  const { issuance: issued, premium: served } = await records.findInvoice(invoiceNumber);
  if (!served) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Invoice not found", { details: `invoice_number: ${invoiceNumber}` });
  }
  return issued ? { ...served, policyNumber: issued.policyNumber, money: issued.money } : served;
}

/** A report whose status is not SUCCESS confirms nothing; it is acknowledged as received. */
function acknowledged(report: KhqrReport): KhqrConfirmationResult {
  return {
    transactionId: khqrTransactionId(report.invoiceNumber),
    status: report.status,
    message: "KHQR payment notification received; nothing was confirmed",
  };
}

interface ReportAuditTrail extends ReportAudit {
  verifyReply?: string;
  /** Writes the receipt alone, unless a unit of work already carried it. The audit never turns an answer into an error. */
  commit(deps: { records: RecordStore; clock: Clock }, outcome: string): Promise<void>;
}

function reportAudit(
  report: KhqrReport,
  request: { requestId: string; receipt: Omit<WebhookReceipt, "outcome" | "requestId" | "source" | "verifyReply"> },
): ReportAuditTrail {
  let written = false;
  const trail: ReportAuditTrail = {
    receipt: (outcome) => ({
      ...request.receipt,
      source: report.source,
      outcome,
      requestId: request.requestId,
      verifyReply: trail.verifyReply,
    }),
    written: () => {
      written = true;
    },
    async commit(deps, outcome) {
      if (written) return;
      // Reconciliation asks about every open QR every few minutes: only what it found is kept.
      if (report.source === "RECONCILIATION" && outcome === "TRANSACTION_VERIFY_FAILED") return;
      await deps.records
        .commit({ receipt: trail.receipt(outcome), events: [] }, deps.clock.now())
        .then(() => trail.written())
        .catch((error) => console.log(JSON.stringify({ audit: "webhook-receipt-failed", reason: String(error) })));
    },
  };
  return trail;
}
