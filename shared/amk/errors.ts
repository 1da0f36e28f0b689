import { PaymentError } from "../payments/errors.ts";

/** AMK answered something the contract does not describe: 502, the reason only in the log. */
export function amkUnknown(reason: string): PaymentError {
  return new PaymentError("AMK_UNKNOWN_ERROR", "AMK answered unexpectedly", { reason });
}
