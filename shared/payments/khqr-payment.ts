// KHQR payment confirmation. A KHQR payment is reported by AMK's webhook, or found by our own
// reconciliation check; either way we believe it only after AMK's payment-verify confirms it, and
// judge it the same way: against the QR we issued, under the same idempotency, with the same audit.
import { parseCambodiaDateTime } from "../amk/bank-time.ts";
import { PaymentError, toPaymentError } from "./errors.ts";
import { sameMoney, toMoney, type Money } from "./money.ts";
import type { Premium } from "./premium.ts";
import { answerIdempotently, fingerprint, type AnsweredRequest } from "./idempotent-answer.ts";
import { mismatch, requireMatch } from "./matching.ts";
import {
  afterAnswer,
  type Clock,
  type IdempotencyKeeper,
  type Later,
  type PaymentRecord,
  type PaymentVerifier,
  type PremiumCache,
  type QrIssuance,
  type RecordStore,
  type WebhookReceipt,
} from "./ports.ts";
import { bookPayment, confirmedPayment, flagException, type ReportAudit } from "./record-payment.ts";

/** A KHQR payment as reported: by AMK's webhook, or by our reconciliation pass asking AMK. */
export interface KhqrReport {
  source: WebhookReceipt["source"];
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  money: Money;
  /** ISO-8601 UTC, as the webhook reported it (reconciliation has none). A hint: AMK's verified time is the truth. */
  paidAt?: string;
  /** The QR a reconciliation check asked AMK about (a webhook names only its invoice). */
  qrId?: string;
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

/** AMK's KHQR webhook body, as POST /AMK/khqr validates it. */
export interface KhqrWebhookBody {
  invoice_number: string;
  status: string;
  merchant_number: string;
  paid_amount: number;
  currency: Money["currency"];
  paid_datetime: string;
}

/** The webhook as the core judges it, and its audit receipt (as received); `paidAt` is its paid_datetime in ISO-8601 UTC. */
export function webhookReport(body: KhqrWebhookBody, paidAt: string) {
  const report: KhqrReport = {
    source: "WEBHOOK",
    invoiceNumber: body.invoice_number,
    status: body.status,
    merchantNumber: body.merchant_number,
    money: toMoney(body.paid_amount, body.currency),
    paidAt,
  };
  const receipt = {
    invoiceNumber: body.invoice_number,
    status: body.status,
    merchantNumber: body.merchant_number,
    paidAmount: body.paid_amount,
    currency: body.currency,
    paidDatetime: body.paid_datetime,
  };
  return { report, receipt };
}

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
      await invoiceOf(deps.records, report.invoiceNumber);
      await audit.commit(deps, "ACKNOWLEDGED");
      const data = acknowledged(report);
      return { answer: { status: 200, body: JSON.stringify({ success: true, data }) }, replayed: false, eventIds: [] };
    }
    const key = `khqr:${report.invoiceNumber}:${await fingerprint(request.input)}`;
    // The invoice is read beside the admission: one round trip for both, then AMK, then one write.
    const answered = await answerIdempotently(
      deps,
      { key, input: request.input, requestId: request.requestId },
      (invoice) => confirmKhqrPayment(deps, report, audit, invoice),
      () => invoiceOf(deps.records, report.invoiceNumber),
    );
    // A replay changes nothing: its receipt is kept after the answer (the audit never fails a request).
    if (answered.replayed) await afterAnswer(deps, audit.commit(deps, "REPLAYED"));
    if (answered.refusal) await audit.commit(deps, answered.refusal.code);
    return answered;
  } catch (error) {
    await audit.commit(deps, toPaymentError(error).code);
    throw error;
  }
}

/** `invoice`: the invoice as invoiceOf read it. */
async function confirmKhqrPayment(deps: KhqrPaymentDeps, report: KhqrReport, audit: ReportAuditTrail, invoice: Invoice) {
  const verification = await deps.verifier.verify(report.invoiceNumber);
  audit.verifyReply = verification.reply;
  audit.verifyMs = verification.durationMs;
  if ("refusal" in verification) throw verification.refusal;
  const { verified } = verification;
  const now = deps.clock.now();
  const transactionId = khqrTransactionId(report.invoiceNumber);
  const amkPaidAt = verified.paidAt ? parseCambodiaDateTime(verified.paidAt) : null;
  // Every path that sees this payment (webhook, its retries, reconciliation) names it alike, so it is flagged once.
  const paidSecond = paymentSecond(amkPaidAt, report.paidAt);
  // Worked out only when the payment is flagged: the happy path reads nothing more.
  const flaggedAs = () => flagReference(deps.records, report.invoiceNumber, paidSecond, amkPaidAt);
  const qr = paidQr(invoice.issuances, report, verified.money);
  const expected = qr ? { ...invoice.premium, policyNumber: qr.policyNumber, money: qr.money } : invoice.premium;
  const amkMismatch = mismatch(expected, [verified]);
  if (amkMismatch) {
    // AMK says money moved, but not what the QR asked for: flag it with AMK's amount for a person.
    const eventIds = await flagException(
      deps.records,
      {
        kind: "AMOUNT_MISMATCH",
        paymentId: expected.id,
        policyNumber: expected.policyNumber,
        channel: "KHQR",
        transactionId: await flaggedAs(),
        money: verified.money,
      },
      now,
      { audit, outcome: "PAYMENT_VERIFICATION_DATA_MISMATCHED", resolveIssuance: settled(qr, now) },
    );
    throw mismatch(expected, [verified, report], eventIds);
  }
  // The webhook's own amount must match too; a reconciliation check claims nothing of its own.
  if (report.source === "WEBHOOK") requireMatch(expected, [report]);
  const payment = confirmedPayment(expected, {
    channel: "KHQR",
    transactionId,
    payer: expected.payer,
    // AMK's verified time is the truth, unless AMK's answer is about another payment of the invoice.
    paidAt:
      (amkPaidAt && report.paidAt && !sameInstant(amkPaidAt, report.paidAt) ? report.paidAt : amkPaidAt) ??
      report.paidAt ??
      now.toISOString(),
  });
  const eventIds = await bookPayment(deps, { ...payment, paidSecond }, now, {
    audit,
    resolveIssuance: settled(qr, now),
    flaggedAs,
    sameAs: (booked) => sameKhqrPayment(booked, { money: verified.money, paidSecond }),
  });
  const data: KhqrConfirmationResult = { transactionId, status: "CONFIRMED", message: "KHQR payment successfully processed" };
  return { data, eventIds };
}

/**
 * One KHQR payment of an invoice: the invoice's transaction id with the second AMK's
 * payment-verify says it was paid, or the invoice's alone when AMK gave no time. An invoice paid
 * twice (a QR scanned twice) yields two references, so each payment that cannot be booked is
 * flagged once, by whichever path sees it first.
 */
export function khqrPaymentReference(invoiceNumber: string, paidSecond: string | undefined): string {
  return paidSecond ? `${khqrTransactionId(invoiceNumber)}@${paidSecond}` : khqrTransactionId(invoiceNumber);
}

/** An ISO-8601 UTC time to the second (`2025-10-07T05:00:00Z`): AMK's precision. */
const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;

/** How far a webhook's paid_datetime may lie from AMK's verified second and still name the same payment (AMK floors or rounds). */
const SAME_PAYMENT_MS = 1_000;

/**
 * The second that identifies a KHQR payment: AMK's verified one, which AMK floors or rounds from
 * the instant its webhook names. AMK verifies per invoice and reports one payment of it, so when
 * the webhook's own time lies further from AMK's answer than rounding explains, that answer is
 * about another payment of the invoice (it was paid again): this webhook's payment is then named
 * by its own second, to be booked or flagged for a person rather than taken for the other one and
 * lost. Without AMK's time nothing tells payments apart, and none is named.
 */
function paymentSecond(amkPaidAt: string | null, webhookPaidAt: string | undefined): string | undefined {
  if (!amkPaidAt) return undefined;
  if (!webhookPaidAt || sameInstant(amkPaidAt, webhookPaidAt)) return toSecond(amkPaidAt);
  console.log(JSON.stringify({ alert: "khqr-webhook-names-another-payment", amkPaidAt, webhookPaidAt }));
  return toSecond(webhookPaidAt);
}

/**
 * The reference a payment that cannot be booked is flagged under. A second named by the webhook
 * (AMK's answer was about another payment) may be a second off AMK's own for that payment, which
 * another path may have flagged already: that exception's reference is reused, so it is flagged once.
 */
async function flagReference(records: RecordStore, invoiceNumber: string, paidSecond: string | undefined, amkPaidAt: string | null) {
  const reference = khqrPaymentReference(invoiceNumber, paidSecond);
  if (!paidSecond || !amkPaidAt || paidSecond === toSecond(amkPaidAt)) return reference;
  const { exceptions } = await records.history(Number(invoiceNumber));
  const near = exceptions.find((e) => e.channel === "KHQR" && withinASecond(e.transactionId.split("@")[1], paidSecond));
  return near?.transactionId ?? reference;
}

/** Two whole seconds that AMK's flooring or rounding of one instant could both give. */
function withinASecond(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && Math.abs(Date.parse(a) - Date.parse(b)) <= SAME_PAYMENT_MS;
}

/** Whether AMK's whole second can be the webhook's instant, floored or rounded. */
function sameInstant(amkPaidAt: string, webhookPaidAt: string): boolean {
  const apartMs = Date.parse(webhookPaidAt) - Date.parse(amkPaidAt);
  return apartMs > -SAME_PAYMENT_MS && apartMs < SAME_PAYMENT_MS;
}

/**
 * Whether the KHQR payment booked for this invoice is the one AMK verified now (a retry whose kept
 * answer was lost, reconciliation finding what a webhook booked, or the reverse) and not a second
 * payment: the same money and the same paid second, or one next to it (AMK floors or rounds). Where
 * either side has no second, AMK's per-invoice verify cannot tell two payments apart, and the
 * report is taken as the booked payment (never flagged as paid twice on a guess; docs/contracts.md).
 */
export function sameKhqrPayment(booked: PaymentRecord, verified: { money: Money; paidSecond: string | undefined }): boolean {
  if (!sameMoney(booked.money, verified.money)) return false;
  return booked.paidSecond === undefined || verified.paidSecond === undefined || withinASecond(booked.paidSecond, verified.paidSecond);
}

/**
 * The QR a payment settles, once it can no longer be paid: an expired QR. One a customer can still
 * pay (the same QR scanned again) stays under reconciliation until it expires and is checked then,
 * so a second payment on it whose webhooks are all lost is still found.
 */
function settled(qr: QrIssuance | undefined, now: Date): string | undefined {
  return qr && (qr.expiresAt === undefined || Date.parse(qr.expiresAt) <= now.getTime()) ? qr.qrId : undefined;
}

/** What an invoice is paid against: the premium served under it, and the QRs issued for it (newest first). */
interface Invoice {
  premium: Premium;
  issuances: QrIssuance[];
}

/** The invoice as recorded; 404 when no premium was served under it. */
async function invoiceOf(records: RecordStore, invoiceNumber: string): Promise<Invoice> {
  const { issuances, premium } = await records.findInvoice(invoiceNumber);
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Invoice not found", { details: `invoice_number: ${invoiceNumber}` });
  }
  return { premium, issuances };
}

/**
 * The QR this payment paid, by the money AMK verified: the one reconciliation asked about when it
 * asks that money, else the newest unsettled QR asking it, else any QR asking it (AMK reports per
 * invoice, so its answer about one QR may be another QR's payment); else the QR asked about, or the
 * newest (whose money then differs, and the payment is flagged). Only this QR is settled by it.
 */
function paidQr(issuances: QrIssuance[], report: KhqrReport, verified: Money): QrIssuance | undefined {
  const named = report.qrId ? issuances.find((qr) => qr.qrId === report.qrId) : undefined;
  if (named && sameMoney(named.money, verified)) return named;
  const asking = issuances.filter((qr) => sameMoney(qr.money, verified));
  return asking.find((qr) => qr.resolvedAt === undefined) ?? asking[0] ?? named ?? issuances[0];
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
  verifyMs?: number;
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
      ...(trail.verifyMs === undefined ? {} : { verifyMs: trail.verifyMs }),
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
