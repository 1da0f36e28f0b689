// The reconciliation pass (cron): webhooks get lost, so QRs issued but still unpaid are checked
// with AMK's payment-verify. A payment AMK confirms is recorded exactly as its webhook would have
// been; the webhook arriving later gets the same success.
import { toPaymentError } from "../errors.ts";
import { expectedPayment, settleVerifiedKhqrPayment } from "./khqr-payment.ts";
import { requireMatch } from "./matching.ts";
import type { Clock, PaymentVerifier, RecordStore } from "./ports.ts";

const MINUTE = 60_000;
/** Give the webhook a head start before asking AMK ourselves. */
const GRACE_MS = 2 * MINUTE;
/** Long after a QR's 15-minute life; beyond this a payment is settled by hand. */
const LOOKBACK_MS = 24 * 60 * MINUTE;
const RECHECK_MS = 5 * MINUTE;
const BATCH = 20;

export interface ReconciliationReport {
  checked: number;
  confirmed: number;
  /** Events recorded, to publish. */
  eventIds: string[];
}

export async function reconcileKhqrPayments(deps: {
  records: RecordStore;
  verifier: PaymentVerifier;
  clock: Clock;
}): Promise<ReconciliationReport> {
  const now = deps.clock.now();
  const open = await deps.records.findUnpaidIssuances(
    { from: new Date(now.getTime() - LOOKBACK_MS), to: new Date(now.getTime() - GRACE_MS) },
    new Date(now.getTime() - RECHECK_MS),
    BATCH,
  );
  const report: ReconciliationReport = { checked: 0, confirmed: 0, eventIds: [] };
  for (const issuance of open) {
    await deps.records.markIssuanceChecked(issuance.invoiceNumber, now);
    report.checked += 1;
    try {
      const premium = await expectedPayment(deps.records, issuance.invoiceNumber);
      const verified = await deps.verifier.verify(issuance.invoiceNumber);
      requireMatch(premium, [verified]);
      const { eventIds } = await settleVerifiedKhqrPayment(deps, premium, verified, undefined);
      if (eventIds.length > 0) report.confirmed += 1;
      report.eventIds.push(...eventIds);
    } catch (thrown) {
      const error = toPaymentError(thrown);
      if (error.code === "TRANSACTION_VERIFY_FAILED") continue; // not paid (yet): asked again later
      console.log(JSON.stringify({ reconciliation: issuance.invoiceNumber, code: error.code, reason: error.reason ?? error.details }));
      if (error.code === "SERVER_UNAVAILABLE") break; // AMK is down: the next run tries again
    }
  }
  return report;
}
