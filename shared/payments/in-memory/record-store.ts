// The record store in memory: the same contract as the D1 and PostgreSQL stores (a unit of work
// is all or nothing; one payment per premium; one use of a transaction id; leased outbox claims).
import type { ExceptionResolution, PaymentEvent, PaymentException } from "../../events/payment-events.ts";
import { MAX_PUBLISH_ATTEMPTS, retryDelayMs } from "../deliver-events.ts";
import { HeldEvents } from "../held-events.ts";
import type { Premium } from "../premium.ts";
import type {
  CommitOutcome,
  EventOutbox,
  OpenIssuanceQuery,
  OutboxEntry,
  OutboxEventView,
  PaymentHistory,
  PaymentRecord,
  QrIssuance,
  RecordedException,
  RecordStore,
  UncheckedQuery,
  UnitOfWork,
  WebhookReceipt,
} from "../ports.ts";

const LEASE_MS = 60_000;

interface OutboxRow {
  event: PaymentEvent;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  publishedAt: number | null;
  deadAt: number | null;
  lastError: string | null;
}

export class InMemoryRecordStore implements RecordStore {
  readonly premiums = new Map<number, Premium>();
  /** Every QR issued, by qrId. */
  readonly issuances = new Map<string, Marked>();
  readonly payments = new Map<number, PaymentRecord>();
  readonly receipts: (WebhookReceipt & { receivedAt: string })[] = [];
  readonly exceptions: RecordedException[] = [];
  /** Each exception's resolution steps, by exception id, in step order. */
  readonly resolutions = new Map<string, ExceptionResolution[]>();
  readonly outboxRows = new Map<string, OutboxRow>();
  readonly outbox = new InMemoryOutbox(this.outboxRows);

  /**
   * A view for one request: the same records, and its own held events, as each request of a worker
   * has its own store over the one database (the simulator gives every request one).
   */
  forRequest(): InMemoryRecordStore {
    const view = Object.create(this) as InMemoryRecordStore;
    Object.defineProperty(view, "outbox", { value: new InMemoryOutbox(this.outboxRows) });
    return view;
  }

  async findPremium(paymentId: number) {
    return this.premiums.get(paymentId) ?? null;
  }

  /** The invoice's QRs, newest first. */
  private qrsOf(invoiceNumber: string): Marked[] {
    return [...this.issuances.values()]
      .filter((i) => i.invoiceNumber === invoiceNumber)
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  }

  async findIssuance(invoiceNumber: string) {
    const [latest] = this.qrsOf(invoiceNumber);
    return latest ? withoutMarks(latest) : null;
  }

  async findInvoice(invoiceNumber: string) {
    const issuances = this.qrsOf(invoiceNumber).slice(0, 20).map(withoutMarks);
    return { issuances, premium: await this.findPremium(Number(invoiceNumber)) };
  }

  async findOpenIssuance(invoiceNumber: string) {
    const open = this.qrsOf(invoiceNumber).find((i) => i.resolvedAt === undefined);
    return open ? withoutMarks(open) : null;
  }

  async findPayment(paymentId: number) {
    return this.payments.get(paymentId) ?? null;
  }

  async claimOpenIssuances(query: OpenIssuanceQuery, now: Date) {
    const [issuedAfter, issuedBefore, expiredAfter, checkedBefore, at] = [
      query.issuedAfter,
      query.issuedBefore,
      query.expiredAfter,
      query.checkedBefore,
      now,
    ].map((d) => d.toISOString()) as [string, string, string, string, string];
    const claimed = [...this.issuances.values()]
      .filter((i) => i.resolvedAt === undefined && i.issuedAt >= issuedAfter && i.issuedAt <= issuedBefore)
      .filter((i) => i.expiresAt === undefined || i.expiresAt >= expiredAfter)
      .filter((i) => i.lastCheckedAt === undefined || i.lastCheckedAt <= checkedBefore)
      .map((i) => ({ i, priority: checkPriority(i, at) }))
      .sort((a, b) => a.priority - b.priority || byExpiry(a.i, b.i) || (a.i.lastCheckedAt ?? "").localeCompare(b.i.lastCheckedAt ?? ""))
      .slice(0, query.limit)
      .map(({ i }) => i);
    for (const issuance of claimed) Object.assign(issuance, { previousCheckedAt: issuance.lastCheckedAt, lastCheckedAt: at });
    return claimed.map(withoutMarks);
  }

  async returnIssuances(qrIds: string[]) {
    for (const qrId of qrIds) {
      const issuance = this.issuances.get(qrId);
      if (issuance && issuance.resolvedAt === undefined) issuance.lastCheckedAt = issuance.previousCheckedAt;
    }
  }

  async closeUncheckedIssuances(query: UncheckedQuery, now: Date) {
    const closed = [...this.issuances.values()]
      .filter((i) => i.resolvedAt === undefined && i.issuedAt >= query.issuedAfter.toISOString())
      .filter((i) => i.expiresAt !== undefined && i.expiresAt < query.expiredBefore.toISOString() && owesCheck(i))
      .slice(0, query.limit);
    for (const issuance of closed) issuance.resolvedAt = now.toISOString();
    return closed.map(withoutMarks);
  }

  async listExceptions(limit: number) {
    return [...this.exceptions]
      .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))
      .slice(0, limit)
      .map((e) => this.withResolutions(e));
  }

  async findException(exceptionId: string) {
    const exception = this.exceptions.find((e) => e.exceptionId === exceptionId);
    return exception ? this.withResolutions(exception) : null;
  }

  private withResolutions(exception: RecordedException): RecordedException {
    return { ...exception, resolutions: [...(this.resolutions.get(exception.exceptionId) ?? [])] };
  }

  async history(paymentId: number): Promise<PaymentHistory> {
    const invoiceNumber = String(paymentId);
    return {
      premium: await this.findPremium(paymentId),
      payment: await this.findPayment(paymentId),
      issuance: await this.findIssuance(invoiceNumber),
      issuances: this.qrsOf(invoiceNumber).map(withoutMarks),
      receipts: this.receipts.filter((r) => r.invoiceNumber === invoiceNumber),
      exceptions: this.exceptions.filter((e) => e.paymentId === paymentId).map((e) => this.withResolutions(e)),
      events: [...this.outboxRows.values()].filter((r) => r.event.paymentId === paymentId).map(viewOf),
    };
  }

  async commit(work: UnitOfWork, now: Date): Promise<CommitOutcome> {
    // Check every constraint before the first write: a refused unit leaves nothing behind.
    if (work.payment) {
      const { paymentId, channel, transactionId } = work.payment;
      const usedTransaction = [...this.payments.values()].some((p) => p.channel === channel && p.transactionId === transactionId);
      if (this.payments.has(paymentId) || usedTransaction) return "payment-taken";
    }
    if (work.exception && this.flagged(work.exception)) return "already-flagged";
    // A QR is written only for a premium offered under its policy and unpaid (the SQL stores check it in the write).
    if (work.issuance && this.payments.has(work.issuance.paymentId)) return "payment-taken";
    if (work.issuance && !this.offered(work.issuance, work.premium)) return "payment-taken";
    if (work.resolution && (this.resolutions.get(work.resolution.exceptionId)?.length ?? 0) >= work.resolution.step) {
      return "resolution-taken";
    }
    for (const event of work.events) {
      if (this.outboxRows.has(event.eventId)) throw new Error(`outbox: duplicate event id ${event.eventId}`);
    }
    if (work.issuance && this.issuances.has(work.issuance.qrId)) throw new Error(`khqr_issuances: duplicate qr id ${work.issuance.qrId}`);
    const at = now.toISOString();
    if (work.premium) this.premiums.set(work.premium.id, work.premium);
    if (work.issuance) this.issuances.set(work.issuance.qrId, { ...work.issuance });
    if (work.payment) this.payments.set(work.payment.paymentId, { ...work.payment, confirmedAt: at });
    if (work.exception) this.exceptions.push({ ...work.exception, recordedAt: at });
    if (work.receipt) this.receipts.push({ ...work.receipt, receivedAt: at });
    if (work.resolution) {
      const { exceptionId, step: _step, ...resolution } = work.resolution;
      this.resolutions.set(exceptionId, [...(this.resolutions.get(exceptionId) ?? []), { ...resolution, resolvedAt: at }]);
    }
    const resolved = work.resolveIssuance ? this.issuances.get(work.resolveIssuance) : undefined;
    if (resolved) resolved.resolvedAt ??= at;
    const learning = work.learnPaidSecond ? this.payments.get(work.learnPaidSecond.paymentId) : undefined;
    if (learning) learning.paidSecond ??= work.learnPaidSecond!.paidSecond;
    // Written leased to their writer, its first attempt counted as a claim counts one (the outbox's contract, ports.ts).
    const leaseUntil = now.getTime() + LEASE_MS;
    for (const event of work.events) {
      this.outboxRows.set(event.eventId, {
        event,
        createdAt: now.getTime(),
        attempts: 1,
        nextAttemptAt: now.getTime(),
        leaseUntil,
        publishedAt: null,
        deadAt: null,
        lastError: null,
      });
    }
    this.outbox.held.hold(work.events, leaseUntil);
    return "committed";
  }

  /** The premium the QR is for, offered under its policy (recorded earlier, or in the same unit of work). */
  private offered(issuance: QrIssuance, written: Premium | undefined): boolean {
    const premium = written?.id === issuance.paymentId ? written : this.premiums.get(issuance.paymentId);
    return premium?.policyNumber === issuance.policyNumber;
  }

  private flagged(exception: PaymentException): boolean {
    return this.exceptions.some((e) => e.channel === exception.channel && e.transactionId === exception.transactionId);
  }
}

function withoutMarks({ lastCheckedAt: _checked, previousCheckedAt: _previous, ...issuance }: Marked): QrIssuance {
  return { ...issuance };
}

class InMemoryOutbox implements EventOutbox {
  readonly held = new HeldEvents();

  constructor(private readonly rows: Map<string, OutboxRow>) {}

  async list(state: "dead" | "pending", limit: number): Promise<OutboxEventView[]> {
    return [...this.rows.values()]
      .filter((r) => r.publishedAt === null && (state === "dead") === (r.deadAt !== null))
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit)
      .map(viewOf);
  }

  async replay(eventIds: string[], now: Date): Promise<number> {
    let replayed = 0;
    for (const id of eventIds) {
      const row = this.rows.get(id);
      if (!row || row.deadAt === null || row.publishedAt !== null) continue;
      Object.assign(row, { deadAt: null, attempts: 0, leaseUntil: null, nextAttemptAt: now.getTime() });
      replayed += 1;
    }
    return replayed;
  }

  claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
    return this.held.claim(now, options, (rest) => this.claimStored(now, rest));
  }

  private claimStored(now: Date, options: { eventIds?: string[]; limit: number }): OutboxEntry[] {
    const at = now.getTime();
    const open = [...this.rows.values()].filter(
      (r) => r.publishedAt === null && r.deadAt === null && (r.leaseUntil === null || r.leaseUntil <= at),
    );
    for (const row of open.filter((r) => r.attempts >= MAX_PUBLISH_ATTEMPTS)) {
      row.deadAt = at;
      row.lastError ??= "no outcome reported for the last attempt";
    }
    const due = open
      .filter((r) => r.deadAt === null && r.nextAttemptAt <= at)
      .filter((r) => !options.eventIds || options.eventIds.includes(r.event.eventId))
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, options.limit);
    return due.map((row) => {
      row.leaseUntil = at + LEASE_MS;
      row.attempts += 1;
      const { eventId, type, key, value } = row.event;
      return { eventId, type, key, value, attempts: row.attempts };
    });
  }

  async markPublished(eventIds: string[], now: Date): Promise<void> {
    for (const id of eventIds) {
      const row = this.rows.get(id);
      if (row) Object.assign(row, { publishedAt: now.getTime(), leaseUntil: null, lastError: null });
    }
  }

  async release(eventIds: string[]): Promise<void> {
    for (const id of eventIds) {
      const row = this.rows.get(id);
      if (row && row.publishedAt === null && row.leaseUntil !== null) Object.assign(row, { leaseUntil: null, attempts: row.attempts - 1 });
    }
  }

  async markFailed(entry: OutboxEntry, error: string, now: Date): Promise<void> {
    const row = this.rows.get(entry.eventId);
    if (!row) return;
    const backoffMs = retryDelayMs(entry.attempts);
    row.leaseUntil = null;
    row.lastError = error.slice(0, 500);
    row.nextAttemptAt = now.getTime() + backoffMs;
    row.deadAt = entry.attempts >= MAX_PUBLISH_ATTEMPTS ? now.getTime() : null;
  }
}

function viewOf(row: OutboxRow): OutboxEventView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    eventId: row.event.eventId,
    type: row.event.type,
    key: row.event.key,
    paymentId: row.event.paymentId,
    state: row.publishedAt !== null ? "published" : row.deadAt !== null ? "dead" : "pending",
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    nextAttemptAt: new Date(row.nextAttemptAt).toISOString(),
    publishedAt: iso(row.publishedAt),
    deadAt: iso(row.deadAt),
  };
}

type Marked = QrIssuance & { lastCheckedAt?: string; previousCheckedAt?: string; resolvedAt?: string };

/** Expired and not asked about since: the check that finds any payment made on it. */
const owesCheck = (i: Marked) => i.expiresAt !== undefined && (i.lastCheckedAt === undefined || i.lastCheckedAt < i.expiresAt);

function checkPriority(i: Marked, nowIso: string): number {
  if (i.expiresAt !== undefined && i.expiresAt <= nowIso && owesCheck(i)) return 0;
  return i.lastCheckedAt === undefined ? 1 : 2;
}

function byExpiry(a: Marked, b: Marked): number {
  return (a.expiresAt ?? "\uffff").localeCompare(b.expiresAt ?? "\uffff");
}
