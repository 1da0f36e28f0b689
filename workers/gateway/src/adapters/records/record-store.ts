// The record store, its queries written once for D1 and PostgreSQL: drizzle's select, insert and
// update builders take the same calls on both dialects' tables (same columns, ./tables.ts). What
// truly differs is an Executor (./d1.ts, ./postgres.ts): how a unit of work is made atomic (a D1
// batch, one PostgreSQL statement), how reads go together, row locks, how many ids one statement
// binds, and how a store failure or a unique violation reads.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { PaymentEvent } from "#shared/events/payment-events.ts";
import { MAX_PUBLISH_ATTEMPTS, retryDelayMs } from "#shared/payments/deliver-events.ts";
import { HeldEvents } from "#shared/payments/held-events.ts";
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
} from "#shared/payments/ports.ts";
import type { Premium } from "#shared/payments/premium.ts";
import { issuanceChecks } from "./issuance-checks.ts";
import { invoiceUnlessPaid, isQrOfPaidPremium } from "./qr-unless-paid.ts";
import { exceptionsWithResolutions, issuanceOf, issuanceRow, outboxView, paymentOf, paymentRow, premiumOf, receiptOf } from "./rows.ts";
import type { RecordTables } from "./tables.ts";

/** A drizzle database as the queries see it: typed as SQLite's, whose builders PostgreSQL's match call for call. */
export type RecordDb = BaseSQLiteDatabase<"async", unknown>;

/** A statement not yet run (drizzle's builders run when awaited). */
type Statement = PromiseLike<unknown>;

/** What differs between the stores; everything else is in this file. */
export interface Executor {
  readonly db: RecordDb;
  readonly tables: RecordTables;
  /** Awaits one statement, a store failure read as SERVER_UNAVAILABLE. */
  run<T>(query: PromiseLike<T>): Promise<T>;
  /** Several reads together: one D1 batch, or side by side on PostgreSQL's pool. */
  all<T extends unknown[]>(queries: { [K in keyof T]: PromiseLike<T[K]> }): Promise<T>;
  /** The statements `build` makes, all written or none (a D1 batch, one PostgreSQL statement). Throws the store's own error. */
  atomically(build: (db: RecordDb) => Statement[]): Promise<void>;
  /** Locks the rows a claim selects, skipping those another claim holds (PostgreSQL); D1 needs none. */
  skipLocked<Q>(select: Q): Q;
  /** Ids in the slices one statement can bind (D1's bound-value limit); none for no ids. */
  slices(ids: string[]): string[][];
  /** The outbox's listing order (PostgreSQL breaks ties by event id). */
  outboxOrder(t: RecordTables["eventOutbox"]): SQL[];
  isUniqueViolation(error: unknown): boolean;
  storeUnavailable(error: unknown): Error;
}

const LEASE_MS = 60_000;

export class SqlRecordStore implements RecordStore {
  readonly outbox: SqlEventOutbox;
  private readonly db: RecordDb;
  private readonly t: RecordTables;
  private readonly checks: ReturnType<typeof issuanceChecks>;

  constructor(private readonly x: Executor) {
    this.db = x.db;
    this.t = x.tables;
    this.checks = issuanceChecks(x.tables.khqrIssuances);
    this.outbox = new SqlEventOutbox(x);
  }

  private premiumQuery(paymentId: number) {
    const { premiums } = this.t;
    return this.db.select().from(premiums).where(eq(premiums.paymentId, paymentId)).limit(1);
  }

  async findPremium(paymentId: number): Promise<Premium | null> {
    const [row] = await this.x.run(this.premiumQuery(paymentId));
    return row ? premiumOf(row) : null;
  }

  async findIssuance(invoiceNumber: string): Promise<QrIssuance | null> {
    const [row] = await this.x.run(this.qrsOf(invoiceNumber).limit(1));
    return row ? issuanceOf(row) : null;
  }

  async findOpenIssuance(invoiceNumber: string): Promise<QrIssuance | null> {
    const { khqrIssuances: q } = this.t;
    const [row] = await this.x.run(
      this.db
        .select()
        .from(q)
        .where(and(eq(q.invoiceNumber, invoiceNumber), isNull(q.resolvedAt)))
        .orderBy(desc(q.issuedAt))
        .limit(1),
    );
    return row ? issuanceOf(row) : null;
  }

  /** The invoice's QRs, newest first. */
  private qrsOf(invoiceNumber: string) {
    const { khqrIssuances: q } = this.t;
    return this.db.select().from(q).where(eq(q.invoiceNumber, invoiceNumber)).orderBy(desc(q.issuedAt));
  }

  async findInvoice(invoiceNumber: string): Promise<{ issuances: QrIssuance[]; premium: Premium | null }> {
    const [issuances, [premium]] = await this.x.all([this.qrsOf(invoiceNumber).limit(20), this.premiumQuery(Number(invoiceNumber))]);
    return { issuances: issuances.map(issuanceOf), premium: premium ? premiumOf(premium) : null };
  }

  async findPayment(paymentId: number): Promise<PaymentRecord | null> {
    const { payments } = this.t;
    const [row] = await this.x.run(this.db.select().from(payments).where(eq(payments.paymentId, paymentId)).limit(1));
    return row ? paymentOf(row) : null;
  }

  async claimOpenIssuances(query: OpenIssuanceQuery, now: Date): Promise<QrIssuance[]> {
    const { khqrIssuances: q } = this.t;
    const { checkDue, checkOrder } = this.checks;
    const open = this.x.skipLocked(
      this.db
        .select({ qrId: q.qrId })
        .from(q)
        .where(
          and(
            isNull(q.resolvedAt),
            gte(q.issuedAt, query.issuedAfter.toISOString()),
            lte(q.issuedAt, query.issuedBefore.toISOString()),
            or(isNull(q.expiresAt), gte(q.expiresAt, query.expiredAfter.toISOString())),
            checkDue(query.checkedBefore),
          ),
        )
        .orderBy(...checkOrder(now))
        .limit(query.limit),
    );
    // One statement claims and marks: a second run at the same moment finds them checked.
    const rows = await this.x.run(
      this.db
        .update(q)
        .set({ previousCheckedAt: sql`${q.lastCheckedAt}`, lastCheckedAt: now.toISOString() })
        .where(and(inArray(q.qrId, open), checkDue(query.checkedBefore)))
        .returning(),
    );
    return rows.map(issuanceOf);
  }

  async returnIssuances(qrIds: string[]): Promise<void> {
    const { khqrIssuances: q } = this.t;
    for (const slice of this.x.slices(qrIds)) {
      await this.x.run(
        this.db
          .update(q)
          .set({ lastCheckedAt: sql`${q.previousCheckedAt}` })
          .where(and(inArray(q.qrId, slice), isNull(q.resolvedAt))),
      );
    }
  }

  async closeUncheckedIssuances(query: UncheckedQuery, now: Date): Promise<QrIssuance[]> {
    const { khqrIssuances: q } = this.t;
    const { leftUnchecked } = this.checks;
    const unchecked = this.x.skipLocked(
      this.db
        .select({ qrId: q.qrId })
        .from(q)
        .where(and(isNull(q.resolvedAt), gte(q.issuedAt, query.issuedAfter.toISOString()), leftUnchecked(query)))
        .limit(query.limit),
    );
    const rows = await this.x.run(
      this.db
        .update(q)
        .set({ resolvedAt: now.toISOString() })
        .where(and(inArray(q.qrId, unchecked), isNull(q.resolvedAt), leftUnchecked(query)))
        .returning(),
    );
    return rows.map(issuanceOf);
  }

  async listExceptions(limit: number): Promise<RecordedException[]> {
    const { paymentExceptions: e } = this.t;
    const ids = this.db.select({ id: e.exceptionId }).from(e).orderBy(desc(e.recordedAt)).limit(limit);
    const [rows, steps] = await this.x.all([this.db.select().from(e).orderBy(desc(e.recordedAt)).limit(limit), this.stepsOf(ids)]);
    return exceptionsWithResolutions(rows, steps);
  }

  async findException(exceptionId: string): Promise<RecordedException | null> {
    const { paymentExceptions: e, paymentExceptionResolutions: r } = this.t;
    const [rows, steps] = await this.x.all([
      this.db.select().from(e).where(eq(e.exceptionId, exceptionId)).limit(1),
      this.db.select().from(r).where(eq(r.exceptionId, exceptionId)),
    ]);
    return exceptionsWithResolutions(rows, steps)[0] ?? null;
  }

  /** The resolution steps of the exceptions whose ids a subquery selects. */
  private stepsOf(ids: SQLWrapper) {
    const { paymentExceptionResolutions: r } = this.t;
    return this.db.select().from(r).where(inArray(r.exceptionId, ids));
  }

  async history(paymentId: number): Promise<PaymentHistory> {
    const { webhookReceipts: w, paymentExceptions: e } = this.t;
    const invoiceNumber = String(paymentId);
    const [premium, payment, issuances, receipts, exceptions, events] = await Promise.all([
      this.findPremium(paymentId),
      this.findPayment(paymentId),
      this.x.run(this.qrsOf(invoiceNumber)),
      this.x.run(this.db.select().from(w).where(eq(w.invoiceNumber, invoiceNumber)).orderBy(asc(w.id))),
      this.x.all([
        this.db.select().from(e).where(eq(e.paymentId, paymentId)).orderBy(asc(e.recordedAt)),
        this.stepsOf(this.db.select({ id: e.exceptionId }).from(e).where(eq(e.paymentId, paymentId))),
      ]),
      this.outbox.forPayment(paymentId),
    ]);
    return {
      premium,
      payment,
      issuance: issuances[0] ? issuanceOf(issuances[0]) : null,
      issuances: issuances.map(issuanceOf),
      receipts: receipts.map(receiptOf),
      exceptions: exceptionsWithResolutions(...exceptions),
      events,
    };
  }

  async commit(work: UnitOfWork, now: Date): Promise<CommitOutcome> {
    try {
      await this.x.atomically((db) => writesOf(db, this.t, work, now));
      this.outbox.hold(work.events, now);
      return "committed";
    } catch (error) {
      if (work.payment && this.x.isUniqueViolation(error)) return "payment-taken";
      if (work.issuance && isQrOfPaidPremium(error)) return "payment-taken";
      if (work.exception && this.x.isUniqueViolation(error)) return "already-flagged";
      if (work.resolution && this.x.isUniqueViolation(error)) return "resolution-taken";
      throw this.x.storeUnavailable(error);
    }
  }
}

/** A unit of work's statements, in the order they are written. */
function writesOf(db: RecordDb, t: RecordTables, work: UnitOfWork, now: Date): Statement[] {
  const at = now.toISOString();
  const writes: Statement[] = [];
  if (work.premium) writes.push(premiumUpsert(db, t, work.premium, at));
  if (work.issuance) {
    const { paymentId, policyNumber } = work.issuance;
    const offeredHere = work.premium?.id === paymentId && work.premium.policyNumber === policyNumber;
    writes.push(
      db.insert(t.khqrIssuances).values({ ...issuanceRow(work.issuance), invoiceNumber: invoiceUnlessPaid(work.issuance, t, offeredHere) }),
    );
  }
  if (work.payment) writes.push(db.insert(t.payments).values(paymentRow(work.payment, at)));
  if (work.exception) {
    const { money, ...exception } = work.exception;
    writes.push(
      db.insert(t.paymentExceptions).values({ ...exception, amountMinor: money.minor, currency: money.currency, recordedAt: at }),
    );
  }
  if (work.resolveIssuance) {
    const q = t.khqrIssuances;
    writes.push(
      db
        .update(q)
        .set({ resolvedAt: at })
        .where(and(eq(q.qrId, work.resolveIssuance), isNull(q.resolvedAt))),
    );
  }
  if (work.learnPaidSecond) {
    const { paymentId, paidSecond } = work.learnPaidSecond;
    writes.push(
      db
        .update(t.payments)
        .set({ paidSecond })
        .where(and(eq(t.payments.paymentId, paymentId), isNull(t.payments.paidSecond))),
    );
  }
  if (work.resolution) {
    const { exceptionId, step, resolution, note, resolvedBy } = work.resolution;
    writes.push(db.insert(t.paymentExceptionResolutions).values({ exceptionId, step, resolution, note, resolvedBy, resolvedAt: at }));
  }
  if (work.receipt) {
    writes.push(db.insert(t.webhookReceipts).values({ ...work.receipt, paidAmount: String(work.receipt.paidAmount), receivedAt: at }));
  }
  if (work.events.length > 0) writes.push(outboxInsert(db, t, work.events, now));
  return writes;
}

function premiumUpsert(db: RecordDb, t: RecordTables, premium: Premium, at: string) {
  const row = {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    payer: premium.payer,
    amountMinor: premium.money.minor,
    currency: premium.money.currency,
    dueDate: premium.dueDate,
  };
  return db
    .insert(t.premiums)
    .values({ ...row, firstServedAt: at, lastServedAt: at })
    .onConflictDoUpdate({ target: t.premiums.paymentId, set: { ...row, lastServedAt: at } });
}

/** Written leased to their writer, its first attempt counted as a claim counts one: its delivery needs no claim. */
function outboxInsert(db: RecordDb, t: RecordTables, events: PaymentEvent[], now: Date) {
  const at = now.toISOString();
  return db.insert(t.eventOutbox).values(
    events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      messageKey: e.key,
      paymentId: e.paymentId,
      payload: JSON.stringify(e.value),
      createdAt: at,
      nextAttemptAt: at,
      leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
      attempts: 1,
    })),
  );
}

/**
 * The event outbox: rows are written in the same unit of work as the record they describe, then
 * claimed, published and marked here. A claim is a short lease so two publishers (the request's
 * waitUntil and the cron drain) do not send the same row at the same time.
 */
export class SqlEventOutbox implements EventOutbox {
  private readonly db: RecordDb;
  private readonly o: RecordTables["eventOutbox"];
  private readonly held = new HeldEvents();

  /** The events this store just wrote, leased to it (outboxInsert). */
  hold(events: PaymentEvent[], now: Date): void {
    this.held.hold(events, now.getTime() + LEASE_MS);
  }

  constructor(private readonly x: Executor) {
    this.db = x.db;
    this.o = x.tables.eventOutbox;
  }

  async list(state: "dead" | "pending", limit: number): Promise<OutboxEventView[]> {
    const o = this.o;
    const inState = state === "dead" ? isNotNull(o.deadAt) : isNull(o.deadAt);
    const rows = await this.x.run(
      this.db
        .select()
        .from(o)
        .where(and(isNull(o.publishedAt), inState))
        .orderBy(...this.x.outboxOrder(o))
        .limit(limit),
    );
    return rows.map(outboxView);
  }

  async forPayment(paymentId: number): Promise<OutboxEventView[]> {
    const o = this.o;
    const rows = await this.x.run(
      this.db
        .select()
        .from(o)
        .where(eq(o.paymentId, paymentId))
        .orderBy(...this.x.outboxOrder(o)),
    );
    return rows.map(outboxView);
  }

  /** All of them made due again, or none (in slices where the store binds few ids). */
  async replay(eventIds: string[], now: Date): Promise<number> {
    const o = this.o;
    const replayed = await this.x.all(
      this.x.slices(eventIds).map((ids) =>
        this.db
          .update(o)
          .set({ deadAt: null, attempts: 0, leaseUntil: null, nextAttemptAt: now.toISOString() })
          .where(and(inArray(o.eventId, ids), isNotNull(o.deadAt), isNull(o.publishedAt)))
          .returning({ eventId: o.eventId }),
      ),
    );
    return replayed.reduce((sum, rows) => sum + rows.length, 0);
  }

  /** A row whose last attempt never reported back (the invocation died mid-publish) and has no attempts left is dead-lettered. */
  claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
    return this.held.claim(now, options, (rest) => this.claimStored(now, rest));
  }

  private async claimStored(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
    const o = this.o;
    const at = now.toISOString();
    const leaseFree = or(isNull(o.leaseUntil), lte(o.leaseUntil, at));
    await this.x.run(
      this.db
        .update(o)
        .set({ deadAt: at, leaseUntil: null, lastError: sql`coalesce(${o.lastError}, 'no outcome reported for the last attempt')` })
        .where(and(isNull(o.publishedAt), isNull(o.deadAt), gte(o.attempts, MAX_PUBLISH_ATTEMPTS), leaseFree)),
    );
    const due = this.x.skipLocked(
      this.db
        .select({ eventId: o.eventId })
        .from(o)
        .where(
          and(
            isNull(o.publishedAt),
            isNull(o.deadAt),
            lte(o.nextAttemptAt, at),
            lt(o.attempts, MAX_PUBLISH_ATTEMPTS),
            leaseFree,
            options.eventIds ? inArray(o.eventId, options.eventIds) : undefined,
          ),
        )
        .orderBy(asc(o.createdAt))
        .limit(options.limit),
    );
    // The outer condition is checked again on the row as committed by any claim that won the race.
    const rows = await this.x.run(
      this.db
        .update(o)
        .set({ leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: sql`${o.attempts} + 1` })
        .where(and(inArray(o.eventId, due), leaseFree))
        .returning(),
    );
    return rows
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => ({ eventId: r.eventId, type: r.type, key: r.messageKey, value: JSON.parse(r.payload), attempts: r.attempts }));
  }

  async markPublished(eventIds: string[], now: Date): Promise<void> {
    for (const ids of this.x.slices(eventIds)) {
      await this.x.run(
        this.db
          .update(this.o)
          .set({ publishedAt: now.toISOString(), leaseUntil: null, lastError: null })
          .where(inArray(this.o.eventId, ids)),
      );
    }
  }

  /** Gives back claimed events never tried: all of them or none. */
  async release(eventIds: string[]): Promise<void> {
    const o = this.o;
    await this.x.all(
      this.x.slices(eventIds).map((ids) =>
        this.db
          .update(o)
          .set({ leaseUntil: null, attempts: sql`${o.attempts} - 1` })
          .where(and(inArray(o.eventId, ids), isNull(o.publishedAt), isNotNull(o.leaseUntil))),
      ),
    );
  }

  async markFailed(entry: OutboxEntry, error: string, now: Date): Promise<void> {
    const backoffMs = retryDelayMs(entry.attempts);
    const dead = entry.attempts >= MAX_PUBLISH_ATTEMPTS;
    await this.x.run(
      this.db
        .update(this.o)
        .set({
          leaseUntil: null,
          lastError: error.slice(0, 500),
          nextAttemptAt: new Date(now.getTime() + backoffMs).toISOString(),
          deadAt: dead ? now.toISOString() : null,
        })
        .where(eq(this.o.eventId, entry.eventId)),
    );
  }
}
