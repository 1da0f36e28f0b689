// Booking a confirmed payment exactly once per premium, whichever channel it came through; and
// flagging, never dropping, money the bank reports that cannot be booked.
import { PaymentError } from "./errors.ts";
import { exceptionEvent, paymentEvents, type ConfirmedPayment, type PaymentException } from "../events/payment-events.ts";
import type { Premium } from "./premium.ts";
import {
  afterAnswer,
  type Later,
  type PaymentBooking,
  type PaymentRecord,
  type PaymentRecords,
  type PremiumCache,
  type RecordsCommit,
  type UnitOfWork,
  type WebhookReceipt,
} from "./ports.ts";

/** The payment of `premium` the bank reported through `channel`: always the premium's own money and policy. */
export function confirmedPayment(
  premium: Premium,
  report: { channel: ConfirmedPayment["channel"]; transactionId: string; payer?: string; paidAt: string },
): ConfirmedPayment {
  return { paymentId: premium.id, policyNumber: premium.policyNumber, money: premium.money, ...report };
}

/**
 * The audit receipt of the report being judged (KHQR only): each unit of work that settles the
 * report carries it, so the receipt and the outcome are written together, exactly once.
 */
export interface ReportAudit {
  receipt(outcome: string): WebhookReceipt;
  /** The receipt was committed with a unit of work. */
  written(): void;
}

type BookingDeps = { records: PaymentRecords & RecordsCommit; cache: PremiumCache; later?: Later };

/** How bookPayment tells the same payment again from another one, and files the other. */
export interface BookingOptions {
  audit?: ReportAudit;
  /** The QR (qrId) this payment settles, written with the booking or the flag; a retry of either settles nothing more. */
  resolveIssuance?: string;
  premium?: Premium;
  /**
   * Whether the payment already booked under this channel and transaction id is this very
   * payment (the bank's retry) and not a second one reported under the same id (a KHQR invoice
   * paid twice). Without it, the same channel and transaction id are the same payment.
   */
  sameAs?: (booked: PaymentRecord) => boolean;
  /** The transaction id a refused payment is flagged under, when not its own (one per payment reported); asked only when flagging. */
  flaggedAs?: () => Promise<string>;
}

/**
 * Writes the payment with its events in one unit of work and returns the new events' ids. The
 * same payment already recorded (its idempotency answer was lost) returns no ids. A premium
 * already paid otherwise is 409 DUPLICATE_TRANSACTION with a DUPLICATE_PAYMENT exception flagged in
 * the same write; a transaction id already used for another premium is 409 (that money is booked).
 */
export async function bookPayment(deps: BookingDeps, payment: PaymentBooking, now: Date, options: BookingOptions = {}): Promise<string[]> {
  const { audit, resolveIssuance, premium } = options;
  const events = paymentEvents(payment, now.toISOString());
  // The premium paid is written with its payment: the records show what was paid even once the
  // Integration Service offers it no more.
  const unit: UnitOfWork = { premium, payment, receipt: audit?.receipt("CONFIRMED"), resolveIssuance, events };
  if ((await deps.records.commit(unit, now)) === "committed") {
    audit?.written();
    await markCachePaid(deps, payment);
    return events.map((e) => e.eventId);
  }

  const existing = await deps.records.findPayment(payment.paymentId);
  const sameTransaction = existing?.channel === payment.channel && existing.transactionId === payment.transactionId;
  if (existing && sameTransaction && (options.sameAs?.(existing) ?? true)) {
    // The booked payment may lack AMK's paid second (reconciliation found it when AMK gave none):
    // learnt now, so a later, different payment of the invoice is told apart from it.
    const learnt =
      payment.paidSecond && !existing.paidSecond ? { paymentId: existing.paymentId, paidSecond: payment.paidSecond } : undefined;
    await commitAudit(deps.records, audit, "CONFIRMED", now, learnt);
    // The first attempt may have stopped between its commit and its cache mark.
    await markCachePaid(deps, payment);
    return [];
  }
  if (!existing) {
    throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction id was already used for another payment", {
      details: payment.transactionId,
    });
  }
  const { paymentId, policyNumber, channel, money } = payment;
  const transactionId = options.flaggedAs ? await options.flaggedAs() : payment.transactionId;
  const eventIds = await flagException(
    deps.records,
    { kind: "DUPLICATE_PAYMENT", paymentId, policyNumber, channel, transactionId, money },
    now,
    {
      audit,
      outcome: "DUPLICATE_TRANSACTION",
      resolveIssuance,
    },
  );
  throw new PaymentError("DUPLICATE_TRANSACTION", "This premium is already paid", {
    details: `Payment ${payment.paymentId} already has a confirmed payment`,
    reason: `premium ${payment.paymentId} paid by ${existing.channel} ${existing.transactionId}; flagged ${payment.channel} ${transactionId}`,
    eventIds,
  });
}

/**
 * Records a payment exception and its `gateway.payment.exception` event (with the audit receipt,
 * when judging a report) in one unit of work; one per bank transaction, so a retry adds none.
 * Returns the ids of the events recorded (none when the transaction was already flagged).
 */
export async function flagException(
  records: RecordsCommit,
  flagged: Omit<PaymentException, "exceptionId">,
  now: Date,
  options: { audit?: ReportAudit; outcome: string; resolveIssuance?: string },
): Promise<string[]> {
  const exception: PaymentException = { exceptionId: crypto.randomUUID(), ...flagged };
  const unit: UnitOfWork = {
    exception,
    receipt: options.audit?.receipt(options.outcome),
    resolveIssuance: options.resolveIssuance,
    events: [exceptionEvent(exception, now.toISOString())],
  };
  const eventIds = unit.events.map((e) => e.eventId);
  if ((await records.commit(unit, now)) === "committed") {
    options.audit?.written();
    console.log(
      JSON.stringify({
        alert: "payment-exception",
        kind: exception.kind,
        paymentId: exception.paymentId,
        transactionId: exception.transactionId,
      }),
    );
    return eventIds;
  }
  await commitAudit(records, options.audit, options.outcome, now);
  return [];
}

/** The receipt of a report that changed nothing (a retry, or a payment already flagged), with what it taught us. */
async function commitAudit(
  records: RecordsCommit,
  audit: ReportAudit | undefined,
  outcome: string,
  now: Date,
  learnPaidSecond?: UnitOfWork["learnPaidSecond"],
) {
  if (!audit && !learnPaidSecond) return;
  await records.commit({ receipt: audit?.receipt(outcome), learnPaidSecond, events: [] }, now);
  audit?.written();
}

/**
 * The premium's cached copy marked paid, so the cache stops offering it and the policy's next
 * premium is offered at once. Started right after the commit and finished after the answer when
 * the platform allows (`later`): the bank never waits on a cache write, and a lost mark is redone
 * by the bank's retry (above) or ends with the entry's 15 minutes.
 */
async function markCachePaid(deps: BookingDeps, payment: ConfirmedPayment): Promise<void> {
  await afterAnswer(deps, deps.cache.markPaid({ paymentId: payment.paymentId, policyNumber: payment.policyNumber }).catch(logCacheFailure));
}

function logCacheFailure(error: unknown) {
  console.log(JSON.stringify({ cache: "premium-mark-paid-failed", reason: String(error) }));
}
