// Drizzle table definitions mirroring migrations/postgres/ (the migrations are the source of truth).
// The same tables, columns and constraints as the D1 schema (../d1/schema.ts); times stay ISO-8601
// text, as on D1, so both stores give identical answers and compare times the same way.
import { bigint, bigserial, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

// SQLite's INTEGER is 64-bit: bigint keeps payment ids and amounts in the same range.
const int64 = (name: string) => bigint(name, { mode: "number" });

export const premiums = pgTable("premiums", {
  paymentId: int64("payment_id").primaryKey(),
  policyNumber: text("policy_number").notNull(),
  payer: text("payer").notNull(),
  amountMinor: int64("amount_minor").notNull(),
  currency: text("currency", { enum: ["USD", "KHR"] }).notNull(),
  dueDate: text("due_date").notNull(),
  firstServedAt: text("first_served_at").notNull(),
  lastServedAt: text("last_served_at").notNull(),
});

export const payments = pgTable("payments", {
  paymentId: int64("payment_id").primaryKey(),
  channel: text("channel", { enum: ["BILL", "KHQR"] }).notNull(),
  transactionId: text("transaction_id").notNull(),
  policyNumber: text("policy_number").notNull(),
  amountMinor: int64("amount_minor").notNull(),
  currency: text("currency", { enum: ["USD", "KHR"] }).notNull(),
  payer: text("payer"),
  paidAt: text("paid_at").notNull(),
  confirmedAt: text("confirmed_at").notNull(),
  /** AMK's paid second (KHQR), as payment-verify reported it: what tells one payment of an invoice from another. */
  paidSecond: text("paid_second"),
});

export const eventOutbox = pgTable("event_outbox", {
  eventId: text("event_id").primaryKey(),
  type: text("type").notNull(),
  messageKey: text("message_key").notNull(),
  paymentId: int64("payment_id"),
  payload: text("payload").notNull(),
  createdAt: text("created_at").notNull(),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: text("next_attempt_at").notNull(),
  leaseUntil: text("lease_until"),
  publishedAt: text("published_at"),
  deadAt: text("dead_at"),
  lastError: text("last_error"),
});

export const khqrIssuances = pgTable("khqr_issuances", {
  /** One QR: its invoice with the moment it was issued (an invoice may have several QRs over time). */
  qrId: text("qr_id").primaryKey(),
  invoiceNumber: text("invoice_number").notNull(),
  paymentId: int64("payment_id").notNull(),
  policyNumber: text("policy_number").notNull(),
  amountMinor: int64("amount_minor").notNull(),
  currency: text("currency", { enum: ["USD", "KHR"] }).notNull(),
  bankCode: text("bank_code").notNull(),
  qrString: text("qr_string").notNull(),
  issuedAt: text("issued_at").notNull(),
  expiresAt: text("expires_at"),
  lastCheckedAt: text("last_checked_at"),
  resolvedAt: text("resolved_at"),
  /** The last check before the current claim, restored when the claim is given back. */
  previousCheckedAt: text("previous_checked_at"),
});

export const webhookReceipts = pgTable("webhook_receipts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  invoiceNumber: text("invoice_number").notNull(),
  status: text("status").notNull(),
  merchantNumber: text("merchant_number").notNull(),
  paidAmount: text("paid_amount").notNull(),
  currency: text("currency").notNull(),
  paidDatetime: text("paid_datetime").notNull(),
  receivedAt: text("received_at").notNull(),
  outcome: text("outcome").notNull(),
  requestId: text("request_id").notNull(),
  source: text("source", { enum: ["WEBHOOK", "RECONCILIATION"] }).notNull(),
  verifyReply: text("verify_reply"),
  verifyMs: integer("verify_ms"),
});

export const paymentExceptions = pgTable("payment_exceptions", {
  exceptionId: text("exception_id").primaryKey(),
  kind: text("kind", { enum: ["DUPLICATE_PAYMENT", "AMOUNT_MISMATCH"] }).notNull(),
  paymentId: int64("payment_id").notNull(),
  policyNumber: text("policy_number").notNull(),
  channel: text("channel", { enum: ["BILL", "KHQR"] }).notNull(),
  transactionId: text("transaction_id").notNull(),
  amountMinor: int64("amount_minor").notNull(),
  currency: text("currency", { enum: ["USD", "KHR"] }).notNull(),
  recordedAt: text("recorded_at").notNull(),
});

export const paymentExceptionResolutions = pgTable(
  "payment_exception_resolutions",
  {
    exceptionId: text("exception_id").notNull(),
    step: integer("step").notNull(),
    resolution: text("resolution", { enum: ["refund-requested", "refunded", "written-off"] }).notNull(),
    note: text("note").notNull(),
    resolvedBy: text("resolved_by").notNull(),
    resolvedAt: text("resolved_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.exceptionId, table.step] })],
);
