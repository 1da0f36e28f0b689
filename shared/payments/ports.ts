// The payment core's view of the outside world: each system it needs is one small interface here.
// The workers fill them with adapters (D1, Durable Objects, KV, AMK, Kafka); `in-memory/` fills
// them with plain objects so the core runs anywhere, Deno included.
import type { PaymentError } from "./errors.ts";
import type {
  ConfirmedPayment,
  ExceptionResolution,
  ExceptionResolutionKind,
  PaymentEvent,
  PaymentException,
} from "../events/payment-events.ts";
import type { Currency, Money } from "./money.ts";
import type { Premium } from "./premium.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The insurer's premiums due: the Integration Service, the source of truth (never cached). */
export interface PremiumSource {
  /** The premium due for a policy or application number, or null when none is due. */
  find(query: string): Promise<Premium | null>;
}

/** Work that must finish but need not delay the answer (a Worker's waitUntil). Where there is none, such work is awaited. */
export type Later = (work: Promise<unknown>) => void;

/** `work` handed to the request's `later`, or awaited where there is none. */
export async function afterAnswer(deps: { later?: Later }, work: Promise<unknown>): Promise<void> {
  if (deps.later) deps.later(work);
  else await work;
}

/**
 * Premiums known to be due and unpaid, kept where the edge can read them (KV), in step with
 * payments: a booked payment marks its premium paid here. The hot path of an inquiry reads only
 * this; a miss goes to the source and the records.
 */
export interface PremiumCache {
  /** A premium due for the query that no payment has been booked for, as far as the cache knows; else null. */
  current(query: string): Promise<Premium | null>;
  /** Keeps a premium the records show unpaid, for later inquiries. */
  keep(query: string, premium: Premium): Promise<void>;
  /** The premium was just paid: never offer it from the cache again. */
  markPaid(paid: { paymentId: number; policyNumber: string }): Promise<void>;
}

/** A payment AMK's payment-verify reports as SUCCESS. */
export interface VerifiedPayment {
  txId: string;
  money: Money;
  /** AMK's own record of the payment time, as it sent it (`yyyy-MM-dd HH:mm:ss`, GMT+7). */
  paidAt?: string;
}

/**
 * What AMK answered about a transaction: the payment it holds as SUCCESS, or our refusal; the reply
 * itself and how long AMK took to give it, for the audit trail (and the dashboard's verify latency).
 */
export type Verification = { reply?: string; durationMs?: number } & ({ verified: VerifiedPayment } | { refusal: PaymentError });

export interface PaymentVerifier {
  /**
   * Asks AMK about `txId`. AMK unreachable (network, timeout, 5xx, circuit open) is SERVER_UNAVAILABLE:
   * a refusal without a reply (so the time spent waiting is kept), or thrown.
   */
  verify(txId: string): Promise<Verification>;
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

/** "proceed": `quiet` when no request held the key in the last minute (all an earlier holder wrote has landed). */
export type Admission =
  | { kind: "proceed"; lease: string; quiet: boolean }
  | { kind: "replay"; answer: StoredAnswer }
  | { kind: "conflict" }
  | { kind: "in-flight" };

/** One lock and one kept answer per idempotency key (Stripe's semantics). */
export interface IdempotencyKeeper {
  /** Marks the key in flight for this request, or says why not (a kept answer, a conflict, a request still running). */
  admit(key: string, fingerprint: string, now: number): Promise<Admission>;
  /** Keeps a final answer for replay, or frees the key when the answer must not be kept. */
  settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void>;
}

/**
 * A payment as a unit of work books it. A KHQR payment also carries AMK's paid second
 * (`paidSecond`, ISO-8601 UTC to the second) when AMK's payment-verify reported one: AMK
 * verifies per invoice, so that second is what tells one payment of an invoice from another.
 */
export interface PaymentBooking extends ConfirmedPayment {
  paidSecond?: string;
}

/** The one confirmed payment of a premium, as recorded. */
export interface PaymentRecord extends PaymentBooking {
  confirmedAt: string;
}

export interface RecordedException extends PaymentException {
  recordedAt: string;
  /** What operators did about it, oldest first (shared/payments/resolve-exception.ts); absent or empty while open. */
  resolutions?: ExceptionResolution[];
}

/** One step of an exception's resolution, as a unit of work writes it: `step` is its place in the exception's history (1, 2). */
export interface ExceptionResolutionStep {
  exceptionId: string;
  step: number;
  resolution: ExceptionResolutionKind;
  note: string;
  resolvedBy: string;
}

/** A KHQR code issued for a premium: what its webhook must match. Every QR keeps its own record. */
export interface QrIssuance {
  /** This QR among its invoice's QRs (qrIdOf). */
  qrId: string;
  invoiceNumber: string;
  paymentId: number;
  policyNumber: string;
  money: Money;
  bankCode: string;
  qrString: string;
  /** ISO-8601 UTC. */
  issuedAt: string;
  expiresAt?: string;
  /** When its fate was settled (paid through, flagged, closed), as read from the records; absent while open. */
  resolvedAt?: string;
}

/** A new QR's id: its invoice, the moment it was issued, and a random tag (rows older than the id were named without one). */
export const qrIdOf = (invoiceNumber: string, issuedAt: string) => `${invoiceNumber}@${issuedAt}/${crypto.randomUUID().slice(0, 8)}`;

/** A KHQR payment report (AMK's webhook, or our own reconciliation check) and what became of it: the audit trail. */
export interface WebhookReceipt {
  source: "WEBHOOK" | "RECONCILIATION";
  invoiceNumber: string;
  status: string;
  merchantNumber: string;
  paidAmount: number;
  currency: string;
  paidDatetime: string;
  /** CONFIRMED, REPLAYED, ACKNOWLEDGED (not a success status), or the error code answered. */
  outcome: string;
  requestId: string;
  /** AMK's payment-verify reply to this report, as received. */
  verifyReply?: string;
  /** How long the payment-verify call took, when one was made (also when it failed: then without a reply). */
  verifyMs?: number;
}

/**
 * What one request changes, committed all together or not at all: a premium served, a QR issued,
 * a payment, an audit receipt, and the events that announce them.
 */
export interface UnitOfWork {
  premium?: Premium;
  issuance?: QrIssuance;
  payment?: PaymentBooking;
  exception?: PaymentException;
  receipt?: WebhookReceipt;
  /** The QR (its qrId) whose fate this unit settles: reconciliation stops asking about it. No other QR is touched. */
  resolveIssuance?: string;
  /** AMK's paid second learnt for a payment booked without one (kept only while the payment has none). */
  learnPaidSecond?: { paymentId: number; paidSecond: string };
  /** An operator's step in resolving a payment exception; refused ("resolution-taken") when that step is already written. */
  resolution?: ExceptionResolutionStep;
  events: PaymentEvent[];
}

/**
 * Nothing was written unless "committed". "payment-taken": the premium already has a payment (a
 * payment, or a QR for it, cannot be written), or the transaction id was already used, or a QR's
 * premium was never offered under its policy. "already-flagged": this bank transaction already has an exception.
 * "resolution-taken": another resolution of the exception took that step first.
 */
export type CommitOutcome = "committed" | "payment-taken" | "already-flagged" | "resolution-taken";

/** An outbox row claimed for publishing. */
export interface OutboxEntry {
  eventId: string;
  type: string;
  key: string;
  value: Record<string, unknown>;
  attempts: number;
}

/** An outbox event as operators see it. */
export interface OutboxEventView {
  eventId: string;
  type: string;
  key: string;
  paymentId: number | null;
  state: "pending" | "published" | "dead";
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  publishedAt: string | null;
  deadAt: string | null;
}

export interface EventOutbox {
  /**
   * Leases due, unpublished events (only `eventIds` when given), oldest first. Events whose
   * attempts ran out with the last one never reporting back are dead-lettered here instead.
   * The events a unit of work writes are leased to the store that wrote them as they are written:
   * their first attempt is counted, and while that lease holds, this store hands them over without
   * a round trip and no other store can claim them; when it runs out (the writer died), any can.
   */
  claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]>;
  markPublished(eventIds: string[], now: Date): Promise<void>;
  /** Schedules a retry with backoff, or dead-letters the event when its attempts are spent. */
  markFailed(entry: OutboxEntry, error: string, now: Date): Promise<void>;
  /** Gives back claimed events never tried (the run ran out of time): due again at once, the claim's attempt not counted. */
  release(eventIds: string[]): Promise<void>;
  /** Dead or still unpublished events, oldest first. */
  list(state: "dead" | "pending", limit: number): Promise<OutboxEventView[]>;
  /** Makes these dead events due again with fresh attempts (same eventId); returns how many were dead. */
  replay(eventIds: string[], now: Date): Promise<number>;
}

/** Everything recorded for one premium: what an operator needs to answer "what happened to it?". */
export interface PaymentHistory {
  premium: Premium | null;
  payment: PaymentRecord | null;
  /** The latest QR issued for it. */
  issuance: QrIssuance | null;
  /** Every QR issued for it, newest first. */
  issuances: QrIssuance[];
  receipts: (WebhookReceipt & { receivedAt: string })[];
  exceptions: RecordedException[];
  events: OutboxEventView[];
}

/** Which QRs reconciliation asks AMK about now. */
export interface OpenIssuanceQuery {
  /** Issued after this (older ones are settled by hand). */
  issuedAfter: Date;
  /** Issued before this (the webhook's head start). */
  issuedBefore: Date;
  /** Not expired before this (an expired QR is asked about for a grace period, then no more). */
  expiredAfter: Date;
  /** Not asked about since this. */
  checkedBefore: Date;
  limit: number;
}

/** QRs that left reconciliation's window while still owing the check after their expiry. */
export interface UncheckedQuery {
  /** Issued after this (the window's start). */
  issuedAfter: Date;
  /** Expired before this (the window's end for them has passed). */
  expiredBefore: Date;
  limit: number;
}

/** The premiums offered or issued a QR (written in a unit of work with what they are for). */
export interface PremiumRecords {
  findPremium(paymentId: number): Promise<Premium | null>;
}

/** The one payment per premium, and all the records hold about it. */
export interface PaymentRecords {
  findPayment(paymentId: number): Promise<PaymentRecord | null>;
  /** Everything recorded about one payment id, for the operators' payment page. */
  history(paymentId: number): Promise<PaymentHistory>;
}

/** The QRs issued, one row each, and reconciliation's claims on them. */
export interface QrIssuanceRecords {
  /** The latest QR issued under the invoice. */
  findIssuance(invoiceNumber: string): Promise<QrIssuance | null>;
  /** The latest QR issued under the invoice whose fate is unsettled (not paid through, not flagged, not closed). */
  findOpenIssuance(invoiceNumber: string): Promise<QrIssuance | null>;
  /** The QRs issued under a KHQR invoice number (newest first, at most 20) and the premium served under that payment id, in one round trip. */
  findInvoice(invoiceNumber: string): Promise<{ issuances: QrIssuance[]; premium: Premium | null }>;
  /**
   * Claims the open (unresolved) QRs the query selects, marking them checked now in the same
   * statement: two overlapping runs never claim the same QR. First the expired ones that have
   * not been asked about since their expiry (nearest the window's end first), then the never
   * checked, then the rest; each group nearest its expiry first.
   */
  claimOpenIssuances(query: OpenIssuanceQuery, now: Date): Promise<QrIssuance[]>;
  /** Claimed QRs (by qrId) AMK could not be asked about: their claim is undone (the check before it stands again), so the next run asks first. */
  returnIssuances(qrIds: string[]): Promise<void>;
  /**
   * Closes (resolves) the open QRs that left the window without a check after their expiry, and
   * returns them, each once: a payment made on them may be lost and needs a person.
   */
  closeUncheckedIssuances(query: UncheckedQuery, now: Date): Promise<QrIssuance[]>;
}

/** Money the bank took that could not be booked, and what operators did about it. */
export interface ExceptionRecords {
  listExceptions(limit: number): Promise<RecordedException[]>;
  /** One payment exception with its resolutions, or null. */
  findException(exceptionId: string): Promise<RecordedException | null>;
}

/**
 * The payment records: the only way the core reads or writes them, one port per aggregate (premiums,
 * payments, QR issuances, exceptions, the outbox; receipts are written only) and one `commit` for
 * all, so a payment, its events and its receipt are one atomic write. A verb's dependencies name
 * the aggregates it reads (e.g. `PremiumRecords & RecordsCommit`). Store failures are SERVER_UNAVAILABLE.
 */
export interface RecordStore extends PremiumRecords, PaymentRecords, QrIssuanceRecords, ExceptionRecords, RecordsCommit {}

/** The one way to write the records, and the outbox the written events wait in. */
export interface RecordsCommit {
  /** All of the unit of work, or nothing (CommitOutcome says which unique rule refused it). */
  commit(work: UnitOfWork, now: Date): Promise<CommitOutcome>;
  readonly outbox: EventOutbox;
}

/**
 * What the operator dashboard reads from the records (shared/payments/operations-health.ts): counts
 * over a window (and, as `recent`, over its last part, for the alert rules), and the outbox now.
 */
export interface HealthFacts {
  payments: { channel: "BILL" | "KHQR"; currency: Currency; count: number; amountMinor: number; recent: number }[];
  /**
   * KHQR reports (webhooks and reconciliation findings) by outcome: CONFIRMED, REPLAYED, ACKNOWLEDGED
   * or the error code answered; `secondPayment` when the refusal flagged a second payment of a paid premium.
   */
  receiptOutcomes: { outcome: string; secondPayment: boolean; count: number; recent: number }[];
  exceptionsFlagged: { channel: "BILL" | "KHQR"; kind: PaymentException["kind"]; count: number; recent: number }[];
  /** All exceptions, whenever flagged: those nobody resolved yet, and those whose refund was asked but not yet done. */
  exceptionsOpen: { open: number; refundRequested: number };
  /** QRs issued in the window: how many of their premiums are paid, and how many lapsed unpaid. */
  qrFunnel: { issued: number; paid: number; expired: number };
  outbox: { backlog: number; oldestPendingAt: string | null; dead: number; lastPublishedAt: string | null };
  /** AMK payment-verify calls recorded with their receipts, newest first (at most a few thousand), with their 15-minute slot. */
  verifyCalls: { ms: number; failed: boolean; recent: boolean; slot: string }[];
  /** The same counts per 15-minute slot of the window (`slot`: its start, ISO-8601 UTC), for the time charts. */
  slots: {
    payments: { slot: string; channel: "BILL" | "KHQR"; count: number }[];
    receiptOutcomes: { slot: string; outcome: string; secondPayment: boolean; count: number }[];
    exceptionsFlagged: { slot: string; channel: "BILL" | "KHQR"; kind: PaymentException["kind"]; count: number }[];
  };
}

export interface HealthWindow {
  /** Start of the window. */
  since: Date;
  /** Start of its recent part, which the alert rules judge. */
  recentSince: Date;
  now: Date;
}

/** The dashboard's one read of the records (aggregates only: no payment, no id leaves it). */
export interface HealthFactsSource {
  read(window: HealthWindow): Promise<HealthFacts>;
}
