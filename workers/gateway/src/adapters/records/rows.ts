// The payment tables' rows as the core's values: one mapping for both stores, whose tables have the
// same columns (records/tables.ts).
import type { ExceptionResolution } from "#shared/events/payment-events.ts";
import type { Money } from "#shared/payments/money.ts";
import type {
  OutboxEventView,
  PaymentBooking,
  PaymentRecord,
  QrIssuance,
  RecordedException,
  WebhookReceipt,
} from "#shared/payments/ports.ts";
import type { Premium } from "#shared/payments/premium.ts";

type MoneyColumns = { amountMinor: number; currency: Money["currency"] };

/** Money as the tables keep it: minor units beside the currency. */
export function moneyOf(row: MoneyColumns): Money {
  return { minor: row.amountMinor, currency: row.currency };
}

export function premiumOf(row: MoneyColumns & { paymentId: number; policyNumber: string; payer: string; dueDate: string }): Premium {
  return { id: row.paymentId, policyNumber: row.policyNumber, payer: row.payer, money: moneyOf(row), dueDate: row.dueDate };
}

type PaymentRow = MoneyColumns & {
  paymentId: number;
  policyNumber: string;
  channel: PaymentRecord["channel"];
  transactionId: string;
  payer: string | null;
  paidAt: string;
  confirmedAt: string;
  paidSecond: string | null;
};

export function paymentOf(row: PaymentRow): PaymentRecord {
  const { paymentId, policyNumber, channel, transactionId, paidAt, confirmedAt } = row;
  const payment: PaymentRecord = { paymentId, policyNumber, money: moneyOf(row), channel, transactionId, paidAt, confirmedAt };
  if (row.payer !== null) payment.payer = row.payer;
  if (row.paidSecond !== null) payment.paidSecond = row.paidSecond;
  return payment;
}

/** A payment being booked as its row: confirmed now. */
export function paymentRow({ money, payer, paidSecond, ...payment }: PaymentBooking, confirmedAt: string): PaymentRow {
  return {
    ...payment,
    amountMinor: money.minor,
    currency: money.currency,
    payer: payer ?? null,
    paidSecond: paidSecond ?? null,
    confirmedAt,
  };
}

/** A QR being recorded as its row: open (unresolved) and never checked. */
export function issuanceRow({ money, expiresAt, ...issuance }: QrIssuance) {
  return { ...issuance, amountMinor: money.minor, currency: money.currency, expiresAt: expiresAt ?? null };
}

export function issuanceOf(
  row: MoneyColumns & {
    qrId: string;
    invoiceNumber: string;
    paymentId: number;
    policyNumber: string;
    bankCode: string;
    qrString: string;
    issuedAt: string;
    expiresAt: string | null;
    resolvedAt?: string | null;
  },
): QrIssuance {
  return {
    qrId: row.qrId,
    invoiceNumber: row.invoiceNumber,
    paymentId: row.paymentId,
    policyNumber: row.policyNumber,
    money: moneyOf(row),
    bankCode: row.bankCode,
    qrString: row.qrString,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt ?? undefined,
    ...(row.resolvedAt ? { resolvedAt: row.resolvedAt } : {}),
  };
}

export function exceptionOf({
  amountMinor,
  currency,
  ...row
}: MoneyColumns & Omit<RecordedException, "money" | "resolutions">): RecordedException {
  return { ...row, money: { minor: amountMinor, currency } };
}

type ResolutionRow = ExceptionResolution & { exceptionId: string; step: number };

/** Exceptions with their resolution steps (from payment_exception_resolutions), in step order. */
export function exceptionsWithResolutions(
  rows: (MoneyColumns & Omit<RecordedException, "money" | "resolutions">)[],
  resolutionRows: ResolutionRow[],
): RecordedException[] {
  const steps = [...resolutionRows].sort((a, b) => a.step - b.step);
  return rows.map((row) => ({
    ...exceptionOf(row),
    resolutions: steps
      .filter((s) => s.exceptionId === row.exceptionId)
      .map(({ resolution, note, resolvedBy, resolvedAt }) => ({ resolution, note, resolvedBy, resolvedAt })),
  }));
}

export function outboxView(row: {
  eventId: string;
  type: string;
  messageKey: string;
  paymentId: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  publishedAt: string | null;
  deadAt: string | null;
}): OutboxEventView {
  return {
    eventId: row.eventId,
    type: row.type,
    key: row.messageKey,
    paymentId: row.paymentId,
    state: row.publishedAt ? "published" : row.deadAt ? "dead" : "pending",
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    nextAttemptAt: row.nextAttemptAt,
    publishedAt: row.publishedAt,
    deadAt: row.deadAt,
  };
}

/** A receipt as kept: the amount as the bank wrote it (text), AMK's reply when it was asked. */
export function receiptOf({
  id: _id,
  paidAmount,
  verifyReply,
  verifyMs,
  ...receipt
}: Omit<WebhookReceipt, "paidAmount" | "verifyReply" | "verifyMs"> & {
  id: number;
  paidAmount: string;
  verifyReply: string | null;
  verifyMs: number | null;
  receivedAt: string;
}): WebhookReceipt & {
  receivedAt: string;
} {
  const kept = { ...receipt, paidAmount: Number(paidAmount), verifyReply: verifyReply ?? undefined };
  return verifyMs === null ? kept : { ...kept, verifyMs };
}
