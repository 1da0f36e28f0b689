// The payment tables, declared once for both stores: every column, CHECK, UNIQUE and index the
// migrations create (migrations/ for D1, migrations/postgres/; test/records/schema-parity.test.ts
// fails when they drift apart). Drizzle has no dialect-neutral schema, so the declaration takes the
// dialect's column builders (a ColumnKit): ./d1.ts passes SQLite's, ./postgres.ts PostgreSQL's,
// where 64-bit integers are `bigint` and the receipt id a `bigserial`. Times stay ISO-8601 text on
// both, so both stores compare them alike. CHECKs carry the names PostgreSQL gives unnamed ones.
import { sql, type AnyColumn } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

export const sqliteKit = {
  table: sqliteTable,
  text,
  int32: (name: string) => integer(name),
  int64: (name: string) => integer(name),
  serialKey: (name: string) => integer(name).primaryKey({ autoIncrement: true }),
  primaryKey,
  index,
  unique,
  check,
};

/** A dialect's column and constraint builders, shaped as SQLite's (PostgreSQL's have the same calls). */
export type ColumnKit = typeof sqliteKit;

const CURRENCIES = ["USD", "KHR"] as const;
const CHANNELS = ["BILL", "KHQR"] as const;

export function recordTables(k: ColumnKit) {
  const currency = () => k.text("currency", { enum: CURRENCIES }).notNull();
  const amountMinor = () => k.int64("amount_minor").notNull();
  const moneyChecks = (name: string, t: { amountMinor: AnyColumn; currency: AnyColumn }) => [
    k.check(`${name}_amount_minor_check`, sql`${t.amountMinor} > 0`),
    k.check(`${name}_currency_check`, sql`${t.currency} IN ('USD', 'KHR')`),
  ];
  const channelCheck = (name: string, column: AnyColumn) => k.check(`${name}_channel_check`, sql`${column} IN ('BILL', 'KHQR')`);

  const premiums = k.table(
    "premiums",
    {
      paymentId: k.int64("payment_id").primaryKey(),
      policyNumber: k.text("policy_number").notNull(),
      payer: k.text("payer").notNull(),
      amountMinor: amountMinor(),
      currency: currency(),
      dueDate: k.text("due_date").notNull(),
      firstServedAt: k.text("first_served_at").notNull(),
      lastServedAt: k.text("last_served_at").notNull(),
    },
    (t) => moneyChecks("premiums", t),
  );

  const payments = k.table(
    "payments",
    {
      paymentId: k.int64("payment_id").primaryKey(),
      channel: k.text("channel", { enum: CHANNELS }).notNull(),
      transactionId: k.text("transaction_id").notNull(),
      policyNumber: k.text("policy_number").notNull(),
      amountMinor: amountMinor(),
      currency: currency(),
      payer: k.text("payer"),
      paidAt: k.text("paid_at").notNull(),
      confirmedAt: k.text("confirmed_at").notNull(),
      /** AMK's paid second (KHQR), as payment-verify reported it: what tells one payment of an invoice from another. */
      paidSecond: k.text("paid_second"),
    },
    (t) => [
      ...moneyChecks("payments", t),
      channelCheck("payments", t.channel),
      k.unique().on(t.channel, t.transactionId),
      k.index("payments_confirmed").on(t.confirmedAt),
    ],
  );

  const eventOutbox = k.table(
    "event_outbox",
    {
      eventId: k.text("event_id").primaryKey(),
      type: k.text("type").notNull(),
      messageKey: k.text("message_key").notNull(),
      paymentId: k.int64("payment_id"),
      payload: k.text("payload").notNull(),
      createdAt: k.text("created_at").notNull(),
      attempts: k.int32("attempts").notNull().default(0),
      nextAttemptAt: k.text("next_attempt_at").notNull(),
      leaseUntil: k.text("lease_until"),
      publishedAt: k.text("published_at"),
      deadAt: k.text("dead_at"),
      lastError: k.text("last_error"),
    },
    (t) => [
      k
        .index("event_outbox_due")
        .on(t.nextAttemptAt)
        .where(sql`${t.publishedAt} IS NULL AND ${t.deadAt} IS NULL`),
      k.index("event_outbox_payment").on(t.paymentId),
      k
        .index("event_outbox_dead")
        .on(t.deadAt)
        .where(sql`${t.deadAt} IS NOT NULL AND ${t.publishedAt} IS NULL`),
      k.index("event_outbox_published").on(t.publishedAt),
    ],
  );

  const khqrIssuances = k.table(
    "khqr_issuances",
    {
      /** One QR: its invoice with the moment it was issued (an invoice may have several QRs over time). */
      qrId: k.text("qr_id").primaryKey(),
      invoiceNumber: k.text("invoice_number").notNull(),
      paymentId: k.int64("payment_id").notNull(),
      policyNumber: k.text("policy_number").notNull(),
      amountMinor: amountMinor(),
      currency: currency(),
      bankCode: k.text("bank_code").notNull(),
      qrString: k.text("qr_string").notNull(),
      issuedAt: k.text("issued_at").notNull(),
      expiresAt: k.text("expires_at"),
      lastCheckedAt: k.text("last_checked_at"),
      resolvedAt: k.text("resolved_at"),
      /** The last check before the current claim, restored when the claim is given back. */
      previousCheckedAt: k.text("previous_checked_at"),
    },
    (t) => [
      ...moneyChecks("khqr_issuances", t),
      k
        .index("khqr_issuances_open")
        .on(t.issuedAt)
        .where(sql`${t.resolvedAt} IS NULL`),
      k.index("khqr_issuances_issued").on(t.issuedAt),
      k.index("khqr_issuances_invoice").on(t.invoiceNumber, t.issuedAt),
    ],
  );

  const webhookReceipts = k.table(
    "webhook_receipts",
    {
      id: k.serialKey("id"),
      invoiceNumber: k.text("invoice_number").notNull(),
      status: k.text("status").notNull(),
      merchantNumber: k.text("merchant_number").notNull(),
      paidAmount: k.text("paid_amount").notNull(),
      currency: k.text("currency").notNull(),
      paidDatetime: k.text("paid_datetime").notNull(),
      receivedAt: k.text("received_at").notNull(),
      outcome: k.text("outcome").notNull(),
      requestId: k.text("request_id").notNull(),
      source: k
        .text("source", { enum: ["WEBHOOK", "RECONCILIATION"] })
        .notNull()
        .default("WEBHOOK"),
      verifyReply: k.text("verify_reply"),
      verifyMs: k.int32("verify_ms"),
    },
    (t) => [k.index("webhook_receipts_invoice").on(t.invoiceNumber), k.index("webhook_receipts_received").on(t.receivedAt)],
  );

  const paymentExceptions = k.table(
    "payment_exceptions",
    {
      exceptionId: k.text("exception_id").primaryKey(),
      kind: k.text("kind", { enum: ["DUPLICATE_PAYMENT", "AMOUNT_MISMATCH"] }).notNull(),
      paymentId: k.int64("payment_id").notNull(),
      policyNumber: k.text("policy_number").notNull(),
      channel: k.text("channel", { enum: CHANNELS }).notNull(),
      transactionId: k.text("transaction_id").notNull(),
      amountMinor: amountMinor(),
      currency: currency(),
      recordedAt: k.text("recorded_at").notNull(),
    },
    (t) => [
      k.check("payment_exceptions_kind_check", sql`${t.kind} IN ('DUPLICATE_PAYMENT', 'AMOUNT_MISMATCH')`),
      channelCheck("payment_exceptions", t.channel),
      k.unique().on(t.channel, t.transactionId),
      k.index("payment_exceptions_recorded").on(t.recordedAt),
      k.index("payment_exceptions_payment").on(t.paymentId),
    ],
  );

  const paymentExceptionResolutions = k.table(
    "payment_exception_resolutions",
    {
      exceptionId: k.text("exception_id").notNull(),
      step: k.int32("step").notNull(),
      resolution: k.text("resolution", { enum: ["refund-requested", "refunded", "written-off"] }).notNull(),
      note: k.text("note").notNull(),
      resolvedBy: k.text("resolved_by").notNull(),
      resolvedAt: k.text("resolved_at").notNull(),
    },
    (t) => [
      k.primaryKey({ columns: [t.exceptionId, t.step] }),
      k.check("payment_exception_resolutions_step_check", sql`${t.step} > 0`),
      k.check("payment_exception_resolutions_resolution_check", sql`${t.resolution} IN ('refund-requested', 'refunded', 'written-off')`),
    ],
  );

  return { premiums, payments, eventOutbox, khqrIssuances, webhookReceipts, paymentExceptions, paymentExceptionResolutions };
}

/** The payment tables, typed as SQLite's: the queries (./record-store.ts) are written once against these. */
export type RecordTables = ReturnType<typeof recordTables>;
