// The payment core's view of the outside world: each system it needs is one small interface here.
// The workers fill them with adapters (D1, Durable Objects, KV, AMK, Kafka); `in-memory/` fills
// them with plain objects so the core runs anywhere, Deno included.
import type { ConfirmedPayment, PaymentEvent } from "../events/payment-events.ts";
import type { Money } from "../money.ts";
import type { Premium } from "../premium.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The insurer's premiums due (the Integration Service, usually behind a cache). */
export interface PremiumSource {
  /** The premium due for a policy or application number, or null when none is due. */
  find(query: string): Promise<Premium | null>;
}

/** A payment AMK's payment-verify reports as SUCCESS. */
export interface VerifiedPayment {
  txId: string;
  money: Money;
  /** AMK's own record of the payment time, as it sent it (`yyyy-MM-dd HH:mm:ss`, GMT+7). */
  paidAt?: string;
}

export interface PaymentVerifier {
  /** The payment AMK holds as SUCCESS for `txId`; throws a PaymentError for anything else. */
  verify(txId: string): Promise<VerifiedPayment>;
}

/** One record for Kafka: the full topic name (prefix included), the key, the value. */
export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Record<string, unknown>;
  eventId: string;
}

export interface EventPublisher {
  /** Resolves when the broker has taken every record; throws otherwise. */
  publish(records: OutgoingRecord[]): Promise<void>;
}

/** An answer as sent to the bank, kept so a repeat of the same request gets it again. */
export interface StoredAnswer {
  status: number;
  /** The response body as sent, JSON text. */
  body: string;
}

export type Admission =
  { kind: "proceed"; lease: string } | { kind: "replay"; answer: StoredAnswer } | { kind: "conflict" } | { kind: "in-flight" };

/** One lock and one kept answer per idempotency key (Stripe's semantics). */
export interface IdempotencyKeeper {
  /** Marks the key in flight for this request, or says why not (a kept answer, a conflict, a request still running). */
  admit(key: string, fingerprint: string, now: number): Promise<Admission>;
  /** Keeps a final answer for replay, or frees the key when the answer must not be kept. */
  settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void>;
}

/** The one confirmed payment of a premium, as recorded. */
export interface PaymentRecord extends ConfirmedPayment {
  confirmedAt: string;
}

/** A KHQR code issued for a premium: what its webhook must match. */
export interface QrIssuance {
  invoiceNumber: string;
  paymentId: number;
  policyNumber: string;
  money: Money;
  bankCode: string;
  qrString: string;
  /** ISO-8601 UTC. */
  issuedAt: string;
  expiresAt?: string;
}

/** A KHQR webhook as received, and what became of it (the audit trail). */
export interface WebhookReceipt {
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  paidAmount: number;
  currency: string;
  paidDatetime: string;
  /** CONFIRMED, REPLAYED, ACKNOWLEDGED (not a success status), or the error code answered. */
  outcome: string;
  requestId: string;
}

/**
 * What one request changes, committed all together or not at all: a premium served, a QR issued,
 * a payment, an audit receipt, and the events that announce them.
 */
export interface UnitOfWork {
  premium?: Premium;
  issuance?: QrIssuance;
  payment?: ConfirmedPayment;
  receipt?: WebhookReceipt;
  events: PaymentEvent[];
}

/** "payment-taken": the premium already has a payment, or the transaction id was already used; nothing was written. */
export type CommitOutcome = "committed" | "payment-taken";

/** An outbox row claimed for publishing. */
export interface OutboxEntry {
  eventId: string;
  type: string;
  key: string;
  value: Record<string, unknown>;
  attempts: number;
}

export interface EventOutbox {
  /**
   * Leases due, unpublished events (only `eventIds` when given), oldest first. Events whose
   * attempts ran out with the last one never reporting back are dead-lettered here instead.
   */
  claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]>;
  markPublished(eventIds: string[], now: Date): Promise<void>;
  /** Schedules a retry with backoff, or dead-letters the event when its attempts are spent. */
  markFailed(entry: OutboxEntry, error: string, now: Date): Promise<void>;
}

/** The payment records: the only way the core reads or writes them. Store failures are SERVER_UNAVAILABLE. */
export interface RecordStore {
  findPremium(paymentId: number): Promise<Premium | null>;
  findIssuance(invoiceNumber: string): Promise<QrIssuance | null>;
  findPayment(paymentId: number): Promise<PaymentRecord | null>;
  /**
   * QRs issued within `window` that have no payment and were not asked about since
   * `recheckBefore`, least recently checked first.
   */
  findUnpaidIssuances(window: { from: Date; to: Date }, recheckBefore: Date, limit: number): Promise<QrIssuance[]>;
  markIssuanceChecked(invoiceNumber: string, now: Date): Promise<void>;
  commit(work: UnitOfWork, now: Date): Promise<CommitOutcome>;
  readonly outbox: EventOutbox;
}
