// The one rule for "does this payment match what is due": the same premium (payment id, policy)
// and exactly the same money. Both channels judge every report the bank makes with it.
import { PaymentError } from "./errors.ts";
import { sameMoney, type Money } from "./money.ts";

export interface PaymentTerms {
  paymentId?: number;
  policyNumber?: string;
  money: Money;
}

/** The fields in which `reported` differs from `expected`; fields `reported` leaves out are not compared. */
export function termDifferences(expected: PaymentTerms, reported: PaymentTerms): string[] {
  const differences: string[] = [];
  if (reported.paymentId !== undefined && reported.paymentId !== expected.paymentId) differences.push("id");
  if (reported.policyNumber !== undefined && reported.policyNumber !== expected.policyNumber) differences.push("policyNumber");
  if (reported.money.currency !== expected.money.currency) differences.push("currency");
  else if (!sameMoney(reported.money, expected.money)) differences.push("amount");
  return differences;
}

/** PAYMENT_VERIFICATION_DATA_MISMATCHED naming the differing fields, unless every report matches. */
export function mismatch(expected: PaymentTerms, reports: PaymentTerms[], eventIds?: readonly string[]): PaymentError | undefined {
  const differences = [...new Set(reports.flatMap((reported) => termDifferences(expected, reported)))];
  if (differences.length === 0) return undefined;
  return new PaymentError("PAYMENT_VERIFICATION_DATA_MISMATCHED", "Payment does not match the premium due", {
    details: `Differs in: ${differences.join(", ")}`,
    eventIds,
  });
}

/** Throws the mismatch unless every report matches. */
export function requireMatch(expected: PaymentTerms, reports: PaymentTerms[]): void {
  const refusal = mismatch(expected, reports);
  if (refusal) throw refusal;
}
