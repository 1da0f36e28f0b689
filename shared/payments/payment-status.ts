// What an app may know about a premium's payment (docs/api.md): PENDING while its latest
// QR is open, PAID once paid through either channel, EXPIRED when the latest QR lapsed unpaid.
// Computed from the gateway's records alone; `now` is passed in so the rules stay pure.
import { PaymentError } from "./errors.ts";
import { toAmount, type Currency } from "./money.ts";
import type { Clock, PaymentRecord, PaymentRecords, QrIssuance, QrIssuanceRecords } from "./ports.ts";

export type PaymentStatusName = "PENDING" | "PAID" | "EXPIRED";

export interface PaymentStatus {
  paymentId: number;
  policyNumber: string;
  status: PaymentStatusName;
  amount: number;
  currency: Currency;
  expiresAt: string | null;
  paidAt: string | null;
  channel: "KHQR" | "BILL" | null;
  transactionId: string | null;
}

/** The status the records imply, or null when nothing was issued or paid under this payment id. */
export function paymentStatusOf(records: { issuance: QrIssuance | null; payment: PaymentRecord | null }, now: Date): PaymentStatus | null {
  const { issuance, payment } = records;
  if (payment) {
    return {
      paymentId: payment.paymentId,
      policyNumber: payment.policyNumber,
      status: "PAID",
      amount: toAmount(payment.money),
      currency: payment.money.currency,
      expiresAt: issuance?.expiresAt ?? null,
      paidAt: payment.paidAt,
      channel: payment.channel,
      transactionId: payment.transactionId,
    };
  }
  if (!issuance) return null;
  // A QR without an expiry never lapses by itself (AMK's dynamic QRs all carry one, §5).
  const expired = issuance.expiresAt !== undefined && Date.parse(issuance.expiresAt) <= now.getTime();
  return {
    paymentId: issuance.paymentId,
    policyNumber: issuance.policyNumber,
    status: expired ? "EXPIRED" : "PENDING",
    amount: toAmount(issuance.money),
    currency: issuance.money.currency,
    expiresAt: issuance.expiresAt ?? null,
    paidAt: null,
    channel: null,
    transactionId: null,
  };
}

/** PAID and EXPIRED are where a status stream ends: nothing more happens to that QR. */
export function isFinalStatus(status: PaymentStatus): boolean {
  return status.status !== "PENDING";
}

/** Whether two readings differ in anything an app sees (a renewed QR's new expiry counts). */
export function statusChanged(before: PaymentStatus, after: PaymentStatus): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}

/** The payment id's status from the records; 404 RESOURCE_NOT_FOUND when no QR was issued and nothing paid. */
export async function readPaymentStatus(
  deps: { records: QrIssuanceRecords & PaymentRecords; clock: Clock },
  paymentId: number,
): Promise<PaymentStatus> {
  const [issuance, payment] = await Promise.all([deps.records.findIssuance(String(paymentId)), deps.records.findPayment(paymentId)]);
  const status = paymentStatusOf({ issuance, payment }, deps.clock.now());
  if (!status) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "No QR was issued and no payment recorded under this payment id", {
      details: `paymentId: ${paymentId}`,
    });
  }
  return status;
}
