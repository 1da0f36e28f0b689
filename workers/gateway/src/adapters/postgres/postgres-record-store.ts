// The record store on PostgreSQL (drizzle over postgres.js, through Hyperdrive), the twin of
// ../d1/d1-record-store.ts. A unit of work is one transaction: a payment, its events and its receipt
// are written together or not at all, and the primary key on payments.payment_id refuses a second
// payment of a premium (a concurrent insert waits for the first, then fails with 23505).
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQLWrapper } from "drizzle-orm";
import type {
  CommitOutcome,
  OpenIssuanceQuery,
  PaymentHistory,
  PaymentRecord,
  QrIssuance,
  RecordedException,
  RecordStore,
  UncheckedQuery,
  UnitOfWork,
} from "#shared/payments/ports.ts";
import type { Premium } from "#shared/premium.ts";
import { guarded, isUniqueViolation, postgresDatabase, storeUnavailable, type PostgresDatabase } from "./postgres-client.ts";
import { outboxInsert, PostgresEventOutbox } from "./postgres-event-outbox.ts";
import { khqrIssuances, paymentExceptionResolutions, paymentExceptions, payments, premiums, webhookReceipts } from "./schema.ts";
import { issuanceChecks } from "../issuance-checks.ts";
import { invoiceUnlessPaid, isQrOfPaidPremium } from "../qr-unless-paid.ts";
import { exceptionsWithResolutions, issuanceOf, issuanceRow, paymentOf, paymentRow, premiumOf, receiptOf } from "../record-rows.ts";

const { checkOrder, checkDue, leftUnchecked } = issuanceChecks(khqrIssuances);

export class PostgresRecordStore implements RecordStore {
  private readonly db: PostgresDatabase;
  readonly outbox: PostgresEventOutbox;

  /** `connectionString`: the HYPERDRIVE binding's, for this request. */
  constructor(connectionString: string) {
    this.db = postgresDatabase(connectionString);
    this.outbox = new PostgresEventOutbox(this.db);
  }

  async findPremium(paymentId: number): Promise<Premium | null> {
    const [row] = await guarded(this.db.select().from(premiums).where(eq(premiums.paymentId, paymentId)).limit(1));
    return row ? premiumOf(row) : null;
  }

  async findIssuance(invoiceNumber: string): Promise<QrIssuance | null> {
    const [row] = await guarded(this.qrsOf(invoiceNumber).limit(1));
    return row ? issuanceOf(row) : null;
  }

  async findOpenIssuance(invoiceNumber: string): Promise<QrIssuance | null> {
    const [row] = await guarded(
      this.db
        .select()
        .from(khqrIssuances)
        .where(and(eq(khqrIssuances.invoiceNumber, invoiceNumber), isNull(khqrIssuances.resolvedAt)))
        .orderBy(desc(khqrIssuances.issuedAt))
        .limit(1),
    );
    return row ? issuanceOf(row) : null;
  }

  /** The invoice's QRs, newest first. */
  private qrsOf(invoiceNumber: string) {
    return this.db.select().from(khqrIssuances).where(eq(khqrIssuances.invoiceNumber, invoiceNumber)).orderBy(desc(khqrIssuances.issuedAt));
  }

  async findInvoice(invoiceNumber: string): Promise<{ issuances: QrIssuance[]; premium: Premium | null }> {
    // Two statements side by side on the request's pool: one round trip's wait.
    const [issuances, premium] = await Promise.all([guarded(this.qrsOf(invoiceNumber).limit(20)), this.findPremium(Number(invoiceNumber))]);
    return { issuances: issuances.map(issuanceOf), premium };
  }

  async findPayment(paymentId: number): Promise<PaymentRecord | null> {
    const [row] = await guarded(this.db.select().from(payments).where(eq(payments.paymentId, paymentId)).limit(1));
    return row ? paymentOf(row) : null;
  }

  async claimOpenIssuances(query: OpenIssuanceQuery, now: Date): Promise<QrIssuance[]> {
    // Rows another run is claiming right now are skipped, not waited for: it will check them.
    const open = this.db
      .select({ qrId: khqrIssuances.qrId })
      .from(khqrIssuances)
      .where(
        and(
          isNull(khqrIssuances.resolvedAt),
          gte(khqrIssuances.issuedAt, query.issuedAfter.toISOString()),
          lte(khqrIssuances.issuedAt, query.issuedBefore.toISOString()),
          or(isNull(khqrIssuances.expiresAt), gte(khqrIssuances.expiresAt, query.expiredAfter.toISOString())),
          checkDue(query.checkedBefore),
        ),
      )
      .orderBy(...checkOrder(now))
      .limit(query.limit)
      .for("update", { skipLocked: true });
    const rows = await guarded(
      this.db
        .update(khqrIssuances)
        .set({ previousCheckedAt: sql`${khqrIssuances.lastCheckedAt}`, lastCheckedAt: now.toISOString() })
        .where(and(inArray(khqrIssuances.qrId, open), checkDue(query.checkedBefore)))
        .returning(),
    );
    return rows.map(issuanceOf);
  }

  async returnIssuances(qrIds: string[]): Promise<void> {
    if (qrIds.length === 0) return;
    await guarded(
      this.db
        .update(khqrIssuances)
        .set({ lastCheckedAt: sql`${khqrIssuances.previousCheckedAt}` })
        .where(and(inArray(khqrIssuances.qrId, qrIds), isNull(khqrIssuances.resolvedAt))),
    );
  }

  async closeUncheckedIssuances(query: UncheckedQuery, now: Date): Promise<QrIssuance[]> {
    const unchecked = this.db
      .select({ qrId: khqrIssuances.qrId })
      .from(khqrIssuances)
      .where(and(isNull(khqrIssuances.resolvedAt), gte(khqrIssuances.issuedAt, query.issuedAfter.toISOString()), leftUnchecked(query)))
      .limit(query.limit)
      .for("update", { skipLocked: true });
    const rows = await guarded(
      this.db
        .update(khqrIssuances)
        .set({ resolvedAt: now.toISOString() })
        .where(and(inArray(khqrIssuances.qrId, unchecked), isNull(khqrIssuances.resolvedAt), leftUnchecked(query)))
        .returning(),
    );
    return rows.map(issuanceOf);
  }

  async listExceptions(limit: number): Promise<RecordedException[]> {
    const ids = this.db
      .select({ id: paymentExceptions.exceptionId })
      .from(paymentExceptions)
      .orderBy(desc(paymentExceptions.recordedAt))
      .limit(limit);
    const [rows, steps] = await Promise.all([
      guarded(this.db.select().from(paymentExceptions).orderBy(desc(paymentExceptions.recordedAt)).limit(limit)),
      this.stepsOf(ids),
    ]);
    return exceptionsWithResolutions(rows, steps);
  }

  async findException(exceptionId: string): Promise<RecordedException | null> {
    const [rows, steps] = await Promise.all([
      guarded(this.db.select().from(paymentExceptions).where(eq(paymentExceptions.exceptionId, exceptionId)).limit(1)),
      guarded(this.db.select().from(paymentExceptionResolutions).where(eq(paymentExceptionResolutions.exceptionId, exceptionId))),
    ]);
    return exceptionsWithResolutions(rows, steps)[0] ?? null;
  }

  /** The resolution steps of the exceptions whose ids a subquery selects. */
  private stepsOf(ids: SQLWrapper) {
    return guarded(this.db.select().from(paymentExceptionResolutions).where(inArray(paymentExceptionResolutions.exceptionId, ids)));
  }

  async history(paymentId: number): Promise<PaymentHistory> {
    const invoiceNumber = String(paymentId);
    const [premium, payment, issuances, receipts, exceptions, events, steps] = await Promise.all([
      this.findPremium(paymentId),
      this.findPayment(paymentId),
      guarded(this.qrsOf(invoiceNumber)),
      guarded(
        this.db.select().from(webhookReceipts).where(eq(webhookReceipts.invoiceNumber, invoiceNumber)).orderBy(asc(webhookReceipts.id)),
      ),
      guarded(
        this.db
          .select()
          .from(paymentExceptions)
          .where(eq(paymentExceptions.paymentId, paymentId))
          .orderBy(asc(paymentExceptions.recordedAt)),
      ),
      this.outbox.forPayment(paymentId),
      this.stepsOf(
        this.db.select({ id: paymentExceptions.exceptionId }).from(paymentExceptions).where(eq(paymentExceptions.paymentId, paymentId)),
      ),
    ]);
    return {
      premium,
      payment,
      issuance: issuances[0] ? issuanceOf(issuances[0]) : null,
      issuances: issuances.map(issuanceOf),
      receipts: receipts.map(receiptOf),
      exceptions: exceptionsWithResolutions(exceptions, steps),
      events,
    };
  }

  async commit(work: UnitOfWork, now: Date): Promise<CommitOutcome> {
    const at = now.toISOString();
    try {
      await this.db.transaction(async (tx) => {
        if (work.premium) await premiumUpsert(tx, work.premium, at);
        if (work.issuance) {
          const { invoiceNumber, paymentId } = work.issuance;
          await tx
            .insert(khqrIssuances)
            .values({ ...issuanceRow(work.issuance), invoiceNumber: invoiceUnlessPaid(invoiceNumber, paymentId, payments) });
        }
        if (work.payment) {
          await tx.insert(payments).values(paymentRow(work.payment, at));
        }
        if (work.exception) {
          const { money, ...exception } = work.exception;
          await tx.insert(paymentExceptions).values({ ...exception, amountMinor: money.minor, currency: money.currency, recordedAt: at });
        }
        if (work.resolveIssuance) {
          await tx
            .update(khqrIssuances)
            .set({ resolvedAt: at })
            .where(and(eq(khqrIssuances.qrId, work.resolveIssuance), isNull(khqrIssuances.resolvedAt)));
        }
        if (work.learnPaidSecond) {
          const { paymentId, paidSecond } = work.learnPaidSecond;
          await tx
            .update(payments)
            .set({ paidSecond })
            .where(and(eq(payments.paymentId, paymentId), isNull(payments.paidSecond)));
        }
        if (work.resolution) {
          const { exceptionId, step, resolution, note, resolvedBy } = work.resolution;
          await tx.insert(paymentExceptionResolutions).values({ exceptionId, step, resolution, note, resolvedBy, resolvedAt: at });
        }
        if (work.receipt) {
          await tx.insert(webhookReceipts).values({ ...work.receipt, paidAmount: String(work.receipt.paidAmount), receivedAt: at });
        }
        if (work.events.length > 0) await outboxInsert(tx, work.events, now);
      });
      return "committed";
    } catch (error) {
      if (work.payment && isUniqueViolation(error)) return "payment-taken";
      if (work.issuance && isQrOfPaidPremium(error)) return "payment-taken";
      if (work.exception && isUniqueViolation(error)) return "already-flagged";
      if (work.resolution && isUniqueViolation(error)) return "resolution-taken";
      throw storeUnavailable(error);
    }
  }
}

function premiumUpsert(db: PostgresDatabase, premium: Premium, at: string) {
  const row = {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    payer: premium.payer,
    amountMinor: premium.money.minor,
    currency: premium.money.currency,
    dueDate: premium.dueDate,
  };
  return db
    .insert(premiums)
    .values({ ...row, firstServedAt: at, lastServedAt: at })
    .onConflictDoUpdate({ target: premiums.paymentId, set: { ...row, lastServedAt: at } });
}
