// The reconciliation pass (cron): webhooks get lost, so open QRs are checked with AMK's
// payment-verify. What AMK confirms goes through exactly the path a webhook takes (the same
// checks, idempotency and audit): booked when the premium is unpaid, flagged when the premium was
// paid meanwhile (by bill, say) or AMK verified other money.
import { toPaymentError, type PaymentError } from "../errors.ts";
import { toAmount } from "../money.ts";
import { receiveKhqrReport, type KhqrPaymentDeps } from "./khqr-payment.ts";

const MINUTE = 60_000;
/** Give the webhook a head start before asking AMK ourselves. */
const GRACE_MS = 2 * MINUTE;
/** A QR that expired unpaid is asked about this much longer (late settlement), then no more. */
const EXPIRED_GRACE_MS = 60 * MINUTE;
/** Beyond this a payment is settled by hand. */
const LOOKBACK_MS = 24 * 60 * MINUTE;
const RECHECK_MS = 5 * MINUTE;
const BATCH = 20;

export interface ReconciliationReport {
  checked: number;
  confirmed: number;
  /** Events recorded (payments and exceptions), to publish. */
  eventIds: string[];
}

export async function reconcileKhqrPayments(deps: KhqrPaymentDeps): Promise<ReconciliationReport> {
  const now = deps.clock.now();
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  const open = await deps.records.claimOpenIssuances(
    {
      issuedAfter: at(LOOKBACK_MS),
      issuedBefore: at(GRACE_MS),
      expiredAfter: at(EXPIRED_GRACE_MS),
      checkedBefore: at(RECHECK_MS),
      limit: BATCH,
    },
    now,
  );
  const result: ReconciliationReport = { checked: 0, confirmed: 0, eventIds: [] };
  for (const issuance of open) {
    result.checked += 1;
    const report = {
      source: "RECONCILIATION" as const,
      invoiceNumber: issuance.invoiceNumber,
      status: "SUCCESS",
      merchantNumber: deps.merchantId,
      money: issuance.money,
    };
    const input = {
      source: report.source,
      invoiceNumber: report.invoiceNumber,
      minor: report.money.minor,
      currency: report.money.currency,
    };
    const receipt = {
      invoiceNumber: issuance.invoiceNumber,
      status: "SUCCESS",
      merchantNumber: deps.merchantId,
      paidAmount: toAmount(issuance.money),
      currency: issuance.money.currency,
      paidDatetime: "",
    };
    try {
      const answered = await receiveKhqrReport(deps, report, { input, requestId: `reconciliation-${now.toISOString()}`, receipt });
      if (answered.eventIds.length > 0 && !answered.refusal) result.confirmed += 1;
      if (answered.refusal) logRefusal(issuance.invoiceNumber, answered.refusal);
      result.eventIds.push(...answered.eventIds);
    } catch (thrown) {
      const error = toPaymentError(thrown);
      if (error.code === "TRANSACTION_VERIFY_FAILED") continue; // not paid (yet): asked again later
      logRefusal(issuance.invoiceNumber, error);
      if (error.code === "SERVER_UNAVAILABLE") break; // AMK is down: the next run tries again
    }
  }
  return result;
}

function logRefusal(invoiceNumber: string, error: PaymentError) {
  console.log(JSON.stringify({ reconciliation: invoiceNumber, code: error.code, reason: error.reason ?? error.details }));
}
