// Bill payment confirmation: AMK tells us a customer paid a premium at the bank. Checked against
// the premium we offered (else the Integration Service's), recorded once with its events, and
// answered idempotently per bankTransactionId.
import { PaymentError } from "./errors.ts";
import type { ConfirmedPayment } from "../events/payment-events.ts";
import { sameMoney, toMoney, type Money } from "./money.ts";
import type { Premium } from "./premium.ts";
import { answerIdempotently, type AnsweredRequest } from "./idempotent-answer.ts";
import { requireMatch, termDifferences, type PaymentTerms } from "./matching.ts";
import type {
  Clock,
  IdempotencyKeeper,
  Later,
  PaymentRecords,
  PremiumCache,
  PremiumRecords,
  PremiumSource,
  RecordsCommit,
} from "./ports.ts";
import { bookPayment, confirmedPayment } from "./record-payment.ts";

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

export type BillPaymentDeps = {
  records: PremiumRecords & PaymentRecords & RecordsCommit;
  premiums: PremiumSource;
  cache: PremiumCache;
  idempotency: IdempotencyKeeper;
  clock: Clock;
  later?: Later;
};

/** AMK's bill-payment confirmation body, as POST /AMK/payments validates it. */
export interface BillConfirmationBody {
  id: number;
  policyNumber: string;
  amount: number;
  currency: Money["currency"];
  bankTransactionId: string;
  payer: string;
  paidDate: string;
}

/** The confirmation as the core judges it; `paidAt` is its paidDate in ISO-8601 UTC. */
export function billConfirmationOf(body: BillConfirmationBody, paidAt: string): BillConfirmation {
  const { id: paymentId, policyNumber, amount, currency, bankTransactionId, payer } = body;
  return { paymentId, policyNumber, money: toMoney(amount, currency), bankTransactionId, payer, paidAt };
}

/** `input` is the request as received: a repeat with the same bankTransactionId and other content is a conflict. */
export function receiveBillConfirmation(
  deps: BillPaymentDeps,
  confirmation: BillConfirmation,
  request: { input: unknown; requestId: string },
): Promise<AnsweredRequest> {
  // The premium offered is read beside the admission: one round trip for both.
  return answerIdempotently(
    deps,
    { key: `bill:${confirmation.bankTransactionId}`, ...request },
    (offered) => confirmBillPayment(deps, confirmation, offered),
    () => deps.records.findPremium(confirmation.paymentId),
  );
}

/** `offered`: the premium our records hold under the payment id, when already read. */
export async function confirmBillPayment(deps: BillPaymentDeps, confirmation: BillConfirmation, offered?: Premium | null) {
  const { payment, premium } = await paymentFor(deps, confirmation, offered);
  const eventIds = await bookPayment(deps, payment, deps.clock.now(), { premium });
  const data: BillConfirmationResult = {
    transactionId: confirmation.bankTransactionId,
    paymentReferenceId: String(confirmation.paymentId),
    status: "CONFIRMED",
    message: "Payment successfully processed",
  };
  return { data, eventIds };
}

/**
 * The payment the confirmation reports, and the premium it pays (written with the payment). When
 * its premium is refused (gone from the Integration Service, or now another amount), the records
 * decide before the refusal does, since the premium may be gone because it was paid:
 * - the payment booked under this same transaction, policy and money is the bank's retry of it,
 *   whose kept answer was lost: confirmed again (bookPayment books nothing twice);
 * - a payment booked under another transaction makes this one a second payment of the premium:
 *   booked as reported, so bookPayment answers 409 and flags it DUPLICATE_PAYMENT with the
 *   money the bank reported, instead of a refusal that leaves that money with nobody.
 */
async function paymentFor(
  deps: BillPaymentDeps,
  confirmation: BillConfirmation,
  offered: Premium | null | undefined,
): Promise<{ payment: ConfirmedPayment; premium?: Premium }> {
  const report = {
    channel: "BILL" as const,
    transactionId: confirmation.bankTransactionId,
    payer: confirmation.payer,
    paidAt: confirmation.paidAt,
  };
  try {
    const premium = await premiumFor(deps, confirmation, offered);
    return { payment: confirmedPayment(premium, report), premium };
  } catch (refused) {
    if (!(refused instanceof PaymentError) || refused.status >= 500) throw refused;
    const booked = await deps.records.findPayment(confirmation.paymentId);
    if (!booked || booked.policyNumber !== confirmation.policyNumber) throw refused;
    const sameTransaction = booked.channel === "BILL" && booked.transactionId === confirmation.bankTransactionId;
    if (!sameTransaction) {
      const reported = { paymentId: confirmation.paymentId, policyNumber: confirmation.policyNumber, money: confirmation.money };
      return { payment: { ...reported, ...report } };
    }
    // Other money under the booked transaction id is not that payment: the refusal stands.
    if (!sameMoney(booked.money, confirmation.money)) throw refused;
    return { payment: booked };
  }
}

/**
 * The premium the confirmation pays: the one we offered (or the cached copy) when it matches;
 * otherwise the Integration Service's own, since a copy may be stale. Only a mismatch with the
 * source of truth is refused (and that refusal is final).
 */
async function premiumFor(deps: BillPaymentDeps, confirmation: BillConfirmation, offered: Premium | null | undefined): Promise<Premium> {
  const inRecords = offered === undefined ? await deps.records.findPremium(confirmation.paymentId) : offered;
  const known = inRecords ?? (await deps.cache.current(confirmation.policyNumber));
  if (known && termDifferences(termsOf(known), confirmation).length === 0) return known;
  const due = (await deps.premiums.find(confirmation.policyNumber)) ?? known;
  if (!due) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${confirmation.policyNumber}` });
  }
  requireMatch(termsOf(due), [confirmation]);
  return due;
}

function termsOf(premium: Premium): PaymentTerms {
  return { paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money };
}
