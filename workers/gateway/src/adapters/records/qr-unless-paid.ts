// A QR's row can be written only while its premium is offered (recorded under that payment id and
// policy) and has no payment, checked by the write itself: a payment committed between issuance's
// own paid check and this write (a bill paid at the counter that moment), or a premium the records
// never offered, makes the row's invoice number NULL, so the NOT NULL constraint refuses it and the
// whole unit of work (its khqr.generated-event too) is rolled back. The same SQL on both stores.
// On PostgreSQL the check sees what was committed when the statement began: a payment committing at
// that very moment is not seen, and a payment of that QR is then flagged as a second one, not lost.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/**
 * The invoice number to write, or NULL when the premium already has a payment or was never offered
 * under this policy. `offeredHere`: the same unit of work writes the premium (a PostgreSQL statement's
 * clauses do not see each other's rows, so that premium is taken as offered).
 */
export function invoiceUnlessPaid(
  issuance: { invoiceNumber: string; paymentId: number; policyNumber: string },
  t: { payments: { paymentId: AnyColumn }; premiums: { paymentId: AnyColumn; policyNumber: AnyColumn } },
  offeredHere: boolean,
): SQL {
  const { invoiceNumber, paymentId, policyNumber } = issuance;
  const paid = sql`EXISTS (SELECT 1 FROM payments WHERE ${t.payments.paymentId} = ${paymentId})`;
  const offered = sql`EXISTS (SELECT 1 FROM premiums WHERE ${t.premiums.paymentId} = ${paymentId} AND ${t.premiums.policyNumber} = ${policyNumber})`;
  return offeredHere
    ? sql`CASE WHEN ${paid} THEN NULL ELSE ${invoiceNumber} END`
    : sql`CASE WHEN ${paid} OR NOT ${offered} THEN NULL ELSE ${invoiceNumber} END`;
}

/** Whether a store error is that refusal (SQLite's and PostgreSQL's NOT NULL violation on the QR's invoice number). */
export function isQrOfPaidPremium(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/NOT NULL constraint failed: khqr_issuances\.invoice_number/i.test(e.message)) return true;
    const pg = e as { code?: string; column_name?: string };
    if (pg.code === "23502" && pg.column_name === "invoice_number") return true;
  }
  return false;
}
