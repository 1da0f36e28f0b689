// What the hosted checkout page shows for a payment id: its status, whom it is for, and the QR
// to scan. The QR string comes from the gateway's records (the one the KHQR worker checked and
// reported), so the page never trusts anything but the signed payment id in its link.
import { PaymentError } from "./errors.ts";
import { paymentStatusOf, type PaymentStatus } from "./payment-status.ts";
import type { Clock, PaymentRecords, PremiumRecords, QrIssuanceRecords } from "./ports.ts";

export interface CheckoutDetails {
  status: PaymentStatus;
  payer: string;
  /** The latest QR issued for this payment id, or null when it was paid without one (a bill payment). */
  qrString: string | null;
  bankCode: string | null;
}

export async function readCheckoutDetails(
  deps: { records: PremiumRecords & QrIssuanceRecords & PaymentRecords; clock: Clock },
  paymentId: number,
): Promise<CheckoutDetails> {
  const [premium, issuance, payment] = await Promise.all([
    deps.records.findPremium(paymentId),
    deps.records.findIssuance(String(paymentId)),
    deps.records.findPayment(paymentId),
  ]);
  const status = paymentStatusOf({ issuance, payment }, deps.clock.now());
  if (!premium || !status) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "No premium was offered under this payment id", { details: `paymentId: ${paymentId}` });
  }
  return { status, payer: premium.payer, qrString: issuance?.qrString ?? null, bankCode: issuance?.bankCode ?? null };
}
