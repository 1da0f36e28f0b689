// A QR's row can be written only while its premium has no payment, checked by the write itself: a
// payment committed between issuance's own paid check and this write (a bill paid at the counter
// that moment) makes the row's invoice number NULL, so the NOT NULL constraint refuses it and the
// whole unit of work (its khqr.generated-event too) is rolled back. The same SQL on both stores.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/** The invoice number to write, or NULL when the premium already has a payment. */
export function invoiceUnlessPaid(invoiceNumber: string, paymentId: number, payments: { paymentId: AnyColumn }): SQL {
  return sql`CASE WHEN EXISTS (SELECT 1 FROM payments WHERE ${payments.paymentId} = ${paymentId}) THEN NULL ELSE ${invoiceNumber} END`;
}

/** Whether a store error is that refusal: the QR's premium was paid (SQLite's and PostgreSQL's NOT NULL violation on it). */
export function isQrOfPaidPremium(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/NOT NULL constraint failed: khqr_issuances\.invoice_number/i.test(e.message)) return true;
    const pg = e as { code?: string; column_name?: string };
    if (pg.code === "23502" && pg.column_name === "invoice_number") return true;
  }
  return false;
}
