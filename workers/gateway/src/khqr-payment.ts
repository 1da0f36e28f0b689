// KHQR payment confirmation: AMK's webhook says an invoice was paid. We believe it only after
// AMK's payment-verify confirms the same amount and currency as the premium we issued.
import type { ConfirmedPayment } from "../../../shared/events/payment-events.ts";
import { PaymentError } from "../../../shared/errors.ts";
import { parseCambodiaDateTime } from "../../../shared/bank-time.ts";
import { sameMoney, type Money } from "../../../shared/money.ts";
import type { Premium } from "../../../shared/premium.ts";
import type { PaymentVerifier } from "./amk-payment-verifier.ts";
import type { GatewayServices } from "./gateway-services.ts";
import { recordPaymentOnce } from "./payment-recording.ts";

export interface KhqrWebhook {
  invoiceNumber: string;
  status: string;
  money: Money;
  /** ISO-8601 UTC; when absent (reconciliation), AMK's own payment time is used. */
  paidAt?: string;
}

export interface KhqrConfirmationResult {
  transactionId: string;
  status: string;
  message: string;
}

export const khqrTransactionId = (invoiceNumber: string) => `AMK_KHQR_${invoiceNumber}`;

/**
 * What the invoice must be paid with: the QR we issued for it (its amount, even if the premium
 * changed since), else the premium we served under that payment id; 404 when neither exists.
 */
export async function issuedPremium(services: Pick<GatewayServices, "ledger">, invoiceNumber: string): Promise<Premium> {
  const [issued, served] = await Promise.all([
    services.ledger.findQrIssuance(invoiceNumber),
    services.ledger.findPremium(Number(invoiceNumber)),
  ]);
  if (!served) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Invoice not found", { details: `invoice_number: ${invoiceNumber}` });
  }
  return issued ? { ...served, policyNumber: issued.policyNumber, money: issued.money } : served;
}

/** A webhook whose status is not SUCCESS confirms nothing; it is acknowledged as received. */
export function acknowledgeUnsuccessful(webhook: KhqrWebhook): KhqrConfirmationResult {
  return {
    transactionId: khqrTransactionId(webhook.invoiceNumber),
    status: webhook.status,
    message: "KHQR payment notification received; nothing was confirmed",
  };
}

export async function confirmKhqrPayment(
  services: Pick<GatewayServices, "ledger">,
  verifier: PaymentVerifier,
  webhook: KhqrWebhook,
  now: Date,
): Promise<{ result: KhqrConfirmationResult; eventIds: string[] }> {
  const premium = await issuedPremium(services, webhook.invoiceNumber);
  const verified = await verifier.verify(webhook.invoiceNumber);
  const differences: string[] = [];
  if (verified.money.currency !== webhook.money.currency || verified.money.currency !== premium.money.currency)
    differences.push("currency");
  else if (!sameMoney(verified.money, webhook.money) || !sameMoney(verified.money, premium.money)) differences.push("amount");
  if (differences.length > 0) {
    throw new PaymentError("PAYMENT_VERIFICATION_DATA_MISMATCHED", "Payment does not match the premium due", {
      details: `Differs in: ${differences.join(", ")}`,
    });
  }

  const transactionId = khqrTransactionId(webhook.invoiceNumber);
  const amkPaidAt = verified.paidAt ? parseCambodiaDateTime(verified.paidAt) : null;
  const payment: ConfirmedPayment = {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    money: premium.money,
    channel: "KHQR",
    transactionId,
    payer: premium.payer,
    paidAt: webhook.paidAt ?? amkPaidAt ?? now.toISOString(),
  };
  const eventIds = await recordPaymentOnce(services.ledger, payment, now);
  return { result: { transactionId, status: "CONFIRMED", message: "KHQR payment successfully processed" }, eventIds };
}
