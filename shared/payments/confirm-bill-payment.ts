// Bill payment confirmation: AMK tells us a customer paid a premium at the bank. Checked against
// the premium we offered (else the Integration Service's), recorded once with its events, and
// answered idempotently per bankTransactionId.
import { PaymentError } from "../errors.ts";
import type { Money } from "../money.ts";
import type { Premium } from "../premium.ts";
import { answerIdempotently, type AnsweredRequest } from "./idempotent-answer.ts";
import { requireMatch } from "./matching.ts";
import type { Clock, IdempotencyKeeper, PremiumSource, RecordStore } from "./ports.ts";
import { confirmedPayment, recordPaymentOnce } from "./record-payment.ts";

export interface BillConfirmation {
  paymentId: number;
  policyNumber: string;
  money: Money;
  bankTransactionId: string;
  payer: string;
  /** ISO-8601 UTC. */
  paidAt: string;
}

export interface BillConfirmationResult {
  transactionId: string;
  paymentReferenceId: string;
  status: "CONFIRMED";
  message: string;
}

export type BillPaymentDeps = { records: RecordStore; premiums: PremiumSource; idempotency: IdempotencyKeeper; clock: Clock };

/** `input` is the request as received: a repeat with the same bankTransactionId and other content is a conflict. */
export function receiveBillConfirmation(
  deps: BillPaymentDeps,
  confirmation: BillConfirmation,
  request: { input: unknown; requestId: string },
): Promise<AnsweredRequest> {
  return answerIdempotently(deps, { key: `bill:${confirmation.bankTransactionId}`, ...request }, () =>
    confirmBillPayment(deps, confirmation),
  );
}

export async function confirmBillPayment(deps: BillPaymentDeps, confirmation: BillConfirmation) {
  const premium = await premiumFor(deps, confirmation);
  requireMatch({ paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money }, [confirmation]);
  const payment = confirmedPayment(premium, {
    channel: "BILL",
    transactionId: confirmation.bankTransactionId,
    payer: confirmation.payer,
    paidAt: confirmation.paidAt,
  });
  const eventIds = await recordPaymentOnce(deps.records, payment, deps.clock.now());
  const data: BillConfirmationResult = {
    transactionId: confirmation.bankTransactionId,
    paymentReferenceId: String(confirmation.paymentId),
    status: "CONFIRMED",
    message: "Payment successfully processed",
  };
  return { data, eventIds };
}

async function premiumFor(deps: BillPaymentDeps, confirmation: BillConfirmation): Promise<Premium> {
  const offered = await deps.records.findPremium(confirmation.paymentId);
  if (offered) return offered;
  const due = await deps.premiums.find(confirmation.policyNumber);
  if (!due) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${confirmation.policyNumber}` });
  }
  return due;
}
