// KHQR payment confirmation. AMK's webhook says an invoice was paid; we believe it only after AMK's
// payment-verify confirms the same amount and currency as the QR we issued. Reconciliation reaches
// the same settlement by asking AMK itself (reconcile-khqr.ts).
import { parseCambodiaDateTime } from "../bank-time.ts";
import { PaymentError, toPaymentError } from "../errors.ts";
import type { Money } from "../money.ts";
import type { Premium } from "../premium.ts";
import { answerIdempotently, type AnsweredRequest } from "./idempotent-answer.ts";
import { requireMatch } from "./matching.ts";
import type { Clock, IdempotencyKeeper, PaymentVerifier, RecordStore, VerifiedPayment, WebhookReceipt } from "./ports.ts";
import { confirmedPayment, recordPaymentOnce } from "./record-payment.ts";

export interface KhqrWebhook {
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  money: Money;
  /** ISO-8601 UTC. */
  paidAt: string;
}

export interface KhqrConfirmationResult {
  transactionId: string;
  status: string;
  message: string;
}

export type KhqrPaymentDeps = { records: RecordStore; verifier: PaymentVerifier; idempotency: IdempotencyKeeper; clock: Clock };

export const khqrTransactionId = (invoiceNumber: string) => `AMK_KHQR_${invoiceNumber}`;

/**
 * Judges AMK's webhook in the contract's order (merchant binding, idempotency, business checks)
 * and keeps a receipt of it, whatever the outcome. `receipt` is the webhook as received.
 */
export async function receiveKhqrWebhook(
  deps: KhqrPaymentDeps & { merchantId: string },
  webhook: KhqrWebhook,
  request: { input: unknown; requestId: string; receipt: Omit<WebhookReceipt, "outcome" | "requestId"> },
): Promise<AnsweredRequest> {
  const receipt = (outcome: string): WebhookReceipt => ({ ...request.receipt, outcome, requestId: request.requestId });
  // The audit trail must never turn an answer into an error; a failed write is logged.
  const audit = (outcome: string) =>
    deps.records
      .commit({ receipt: receipt(outcome), events: [] }, deps.clock.now())
      .catch((error) => console.log(JSON.stringify({ audit: "webhook-receipt-failed", reason: String(error) })));
  try {
    if (webhook.merchantNumber !== deps.merchantId) {
      throw new PaymentError("MERCHANT_NOT_BIND", "The merchant number is not bound to this service", {
        details: `merchant_number: ${webhook.merchantNumber}`,
      });
    }
    if (webhook.status !== "SUCCESS") {
      // Nothing changes state, so this needs no idempotency: acknowledge, keep for audit, publish nothing.
      await expectedPayment(deps.records, webhook.invoiceNumber);
      await audit("ACKNOWLEDGED");
      return {
        answer: { status: 200, body: JSON.stringify({ success: true, data: acknowledged(webhook) }) },
        replayed: false,
        eventIds: [],
      };
    }
    const answered = await answerIdempotently(
      deps,
      { key: `khqr:${webhook.invoiceNumber}`, input: request.input, requestId: request.requestId },
      () => confirmKhqrPayment(deps, webhook, receipt("CONFIRMED")),
    );
    if (answered.replayed) await audit("REPLAYED");
    return answered;
  } catch (error) {
    await audit(toPaymentError(error).code);
    throw error;
  }
}

async function confirmKhqrPayment(deps: KhqrPaymentDeps, webhook: KhqrWebhook, receipt: WebhookReceipt) {
  const premium = await expectedPayment(deps.records, webhook.invoiceNumber);
  const verified = await deps.verifier.verify(webhook.invoiceNumber);
  requireMatch(premium, [verified, webhook]);
  return settleVerifiedKhqrPayment(deps, premium, verified, webhook.paidAt, receipt);
}

/**
 * Records a KHQR payment AMK verified, for the premium it was issued for. The payment time is
 * the webhook's when there is one, else AMK's, else now.
 */
export async function settleVerifiedKhqrPayment(
  deps: { records: RecordStore; clock: Clock },
  premium: Premium,
  verified: VerifiedPayment,
  reportedPaidAt: string | undefined,
  receipt?: WebhookReceipt,
): Promise<{ data: KhqrConfirmationResult; eventIds: string[] }> {
  const now = deps.clock.now();
  const transactionId = khqrTransactionId(verified.txId);
  const amkPaidAt = verified.paidAt ? parseCambodiaDateTime(verified.paidAt) : null;
  const payment = confirmedPayment(premium, {
    channel: "KHQR",
    transactionId,
    payer: premium.payer,
    paidAt: reportedPaidAt ?? amkPaidAt ?? now.toISOString(),
  });
  const eventIds = await recordPaymentOnce(deps.records, payment, now, receipt);
  return { data: { transactionId, status: "CONFIRMED", message: "KHQR payment successfully processed" }, eventIds };
}

/**
 * What the invoice must be paid with: the QR we issued for it (its amount, even if the premium
 * changed since), else the premium we served under that payment id; 404 when neither exists.
 */
export async function expectedPayment(records: RecordStore, invoiceNumber: string): Promise<Premium> {
  const [issued, served] = await Promise.all([records.findIssuance(invoiceNumber), records.findPremium(Number(invoiceNumber))]);
  if (!served) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Invoice not found", { details: `invoice_number: ${invoiceNumber}` });
  }
  return issued ? { ...served, policyNumber: issued.policyNumber, money: issued.money } : served;
}

/** A webhook whose status is not SUCCESS confirms nothing; it is acknowledged as received. */
function acknowledged(webhook: KhqrWebhook): KhqrConfirmationResult {
  return {
    transactionId: khqrTransactionId(webhook.invoiceNumber),
    status: webhook.status,
    message: "KHQR payment notification received; nothing was confirmed",
  };
}
