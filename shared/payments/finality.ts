// Which answers to the bank may be kept and replayed forever. An answer is kept only when the
// same request can never deserve another one: a 5xx (something was down) may not, nor AMK saying
// a payment is not confirmed (yet) or the merchant is not bound (yet), nor "not found" (the
// Integration Service may learn of the premium, the QR's record may still be on its way).
import type { ErrorCode, PaymentError } from "./errors.ts";

const MAY_CHANGE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["TRANSACTION_VERIFY_FAILED", "MERCHANT_NOT_BIND", "RESOURCE_NOT_FOUND"]);

/** Whether a refusal is final: kept for replay, so the bank's retry gets the same answer. */
export function isFinalRefusal(error: PaymentError): boolean {
  return error.status < 500 && !MAY_CHANGE.has(error.code);
}
