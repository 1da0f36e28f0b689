// The payment ledger: premiums the gateway offered, and the one confirmed payment per premium.
// The only module that touches these tables; a payment and its events are written in one D1
// batch (atomic), and the primary key on payment_id refuses a second payment of a premium.
import { and, asc, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { PaymentError } from "../../../../shared/errors.ts";
import type { ConfirmedPayment, PaymentEvent } from "../../../../shared/events/payment-events.ts";
import type { Money } from "../../../../shared/money.ts";
import type { Premium } from "../../../../shared/premium.ts";
import { outboxInsert } from "./event-outbox.ts";
import { khqrIssuances, payments, premiums } from "./schema.ts";

export interface PaymentRecord extends ConfirmedPayment {
  confirmedAt: string;
}

/** "taken": the premium already has a payment, or the transaction id was already used. */
export type RecordOutcome = "recorded" | "taken";

export interface QrIssuance {
  invoiceNumber: string;
  premium: Premium;
  bankCode: string;
  qrString: string;
  expiresAt?: string;
}

export class PaymentLedger {
  readonly db: DrizzleD1Database;

  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  /** Remembers a premium as offered, so later confirmations are checked against it. */
  async rememberPremium(premium: Premium, now: Date): Promise<void> {
    await guarded(this.premiumUpsert(premium, now));
  }

  /** The issued QR, the premium it is for, and its `khqr.generated-event`, in one batch. */
  async recordQrIssued(issuance: QrIssuance, event: PaymentEvent, now: Date): Promise<void> {
    const row = {
      paymentId: issuance.premium.id,
      policyNumber: issuance.premium.policyNumber,
      amountMinor: issuance.premium.money.minor,
      currency: issuance.premium.money.currency,
      bankCode: issuance.bankCode,
      qrString: issuance.qrString,
      issuedAt: now.toISOString(),
      expiresAt: issuance.expiresAt ?? null,
    };
    await guarded(
      this.db.batch([
        this.premiumUpsert(issuance.premium, now),
        this.db
          .insert(khqrIssuances)
          .values({ invoiceNumber: issuance.invoiceNumber, ...row })
          .onConflictDoUpdate({ target: khqrIssuances.invoiceNumber, set: row }),
        outboxInsert(this.db, [event], now),
      ]),
    );
  }

  private premiumUpsert(premium: Premium, now: Date) {
    const at = now.toISOString();
    const row = {
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      payer: premium.payer,
      amountMinor: premium.money.minor,
      currency: premium.money.currency,
      dueDate: premium.dueDate,
    };
    return this.db
      .insert(premiums)
      .values({ ...row, firstServedAt: at, lastServedAt: at })
      .onConflictDoUpdate({ target: premiums.paymentId, set: { ...row, lastServedAt: at } });
  }

  async findPremium(paymentId: number): Promise<Premium | null> {
    const [row] = await guarded(this.db.select().from(premiums).where(eq(premiums.paymentId, paymentId)).limit(1));
    if (!row) return null;
    return {
      id: row.paymentId,
      policyNumber: row.policyNumber,
      payer: row.payer,
      money: moneyOf(row),
      dueDate: row.dueDate,
    };
  }

  /** The QR last issued for an invoice: what its webhook must match. */
  async findQrIssuance(invoiceNumber: string): Promise<{ paymentId: number; policyNumber: string; money: Money } | null> {
    const [row] = await guarded(this.db.select().from(khqrIssuances).where(eq(khqrIssuances.invoiceNumber, invoiceNumber)).limit(1));
    return row ? { paymentId: row.paymentId, policyNumber: row.policyNumber, money: moneyOf(row) } : null;
  }

  /**
   * QRs issued within `window` that have no payment and were not asked about since `recheckBefore`,
   * least recently checked first: what the reconciliation pass asks AMK about.
   */
  async findUnpaidIssuances(
    window: { from: Date; to: Date },
    recheckBefore: Date,
    limit: number,
  ): Promise<{ invoiceNumber: string; money: Money }[]> {
    const rows = await guarded(
      this.db
        .select({ invoiceNumber: khqrIssuances.invoiceNumber, amountMinor: khqrIssuances.amountMinor, currency: khqrIssuances.currency })
        .from(khqrIssuances)
        .leftJoin(payments, eq(payments.paymentId, khqrIssuances.paymentId))
        .where(
          and(
            isNull(payments.paymentId),
            gte(khqrIssuances.issuedAt, window.from.toISOString()),
            lte(khqrIssuances.issuedAt, window.to.toISOString()),
            or(isNull(khqrIssuances.lastCheckedAt), lte(khqrIssuances.lastCheckedAt, recheckBefore.toISOString())),
          ),
        )
        .orderBy(sql`${khqrIssuances.lastCheckedAt} IS NOT NULL`, asc(khqrIssuances.lastCheckedAt))
        .limit(limit),
    );
    return rows.map((r) => ({ invoiceNumber: r.invoiceNumber, money: moneyOf(r) }));
  }

  async markIssuanceChecked(invoiceNumber: string, now: Date): Promise<void> {
    await guarded(
      this.db.update(khqrIssuances).set({ lastCheckedAt: now.toISOString() }).where(eq(khqrIssuances.invoiceNumber, invoiceNumber)),
    );
  }

  async findPayment(paymentId: number): Promise<PaymentRecord | null> {
    const [row] = await guarded(this.db.select().from(payments).where(eq(payments.paymentId, paymentId)).limit(1));
    if (!row) return null;
    return {
      paymentId: row.paymentId,
      policyNumber: row.policyNumber,
      money: moneyOf(row),
      channel: row.channel,
      transactionId: row.transactionId,
      payer: row.payer ?? undefined,
      paidAt: row.paidAt,
      confirmedAt: row.confirmedAt,
    };
  }

  /**
   * The payment and its events in one D1 batch (a transaction): both or neither. A premium that
   * already has a payment, or a transaction id already used, fails the batch on its unique key
   * ("taken").
   */
  async recordPayment(payment: ConfirmedPayment, events: PaymentEvent[], now: Date): Promise<RecordOutcome> {
    try {
      await this.db.batch([
        this.db.insert(payments).values({
          paymentId: payment.paymentId,
          channel: payment.channel,
          transactionId: payment.transactionId,
          policyNumber: payment.policyNumber,
          amountMinor: payment.money.minor,
          currency: payment.money.currency,
          payer: payment.payer ?? null,
          paidAt: payment.paidAt,
          confirmedAt: now.toISOString(),
        }),
        outboxInsert(this.db, events, now),
      ]);
      return "recorded";
    } catch (error) {
      if (isUniqueViolation(error)) return "taken";
      throw storeUnavailable(error);
    }
  }
}

/** Money as the tables keep it: minor units beside the currency. */
function moneyOf(row: { amountMinor: number; currency: Money["currency"] }): Money {
  return { minor: row.amountMinor, currency: row.currency };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}

/** The record store failed (not our input): 503, so the bank retries, the cause in the log. */
function storeUnavailable(error: unknown): PaymentError {
  return new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", { reason: `D1: ${String(error)}` });
}

/** Awaits a D1 query, turning a store failure into SERVER_UNAVAILABLE. */
async function guarded<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw storeUnavailable(error);
  }
}
