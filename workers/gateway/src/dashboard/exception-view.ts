// A payment exception as operators see it, on the /ops API and on the dashboard's pages alike.
import type { ExceptionResolution } from "#shared/events/payment-events.ts";
import { toAmount } from "#shared/payments/money.ts";
import type { RecordedException } from "#shared/payments/ports.ts";
import { currentResolution } from "#shared/payments/resolve-exception.ts";

export interface PaymentExceptionView {
  exceptionId: string;
  kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH";
  paymentId: number;
  policyNumber: string;
  channel: "BILL" | "KHQR";
  transactionId: string;
  amount: number;
  currency: string;
  recordedAt: string;
  /** Where it stands: null while open, else the latest resolution step. */
  resolution: ExceptionResolution | null;
  /** Every resolution step, oldest first. */
  resolutions: ExceptionResolution[];
}

/** An exception as operators see it: the amount as a number, and what was done about it. */
export function exceptionView({ money, resolutions, ...exception }: RecordedException): PaymentExceptionView {
  return {
    ...exception,
    amount: toAmount(money),
    currency: money.currency,
    resolution: currentResolution({ money, resolutions, ...exception }),
    resolutions: resolutions ?? [],
  };
}
