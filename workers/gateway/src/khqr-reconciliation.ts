// The reconciliation pass (cron): webhooks get lost, so QRs issued but still unpaid are checked
// with AMK's payment-verify. A payment AMK confirms is recorded exactly as its webhook would have
// been; the webhook arriving later gets the same success.
import type { PaymentVerifier } from "./amk-payment-verifier.ts";
import type { GatewayServices } from "./gateway-services.ts";
import { confirmKhqrPayment } from "./khqr-payment.ts";
import { toPaymentError } from "../../../shared/errors.ts";

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
}

export async function reconcileKhqrPayments(
  services: Pick<GatewayServices, "ledger" | "deliver">,
  verifier: PaymentVerifier,
  now: Date,
): Promise<ReconciliationReport> {
  const open = await services.ledger.findUnpaidIssuances(
    { from: new Date(now.getTime() - LOOKBACK_MS), to: new Date(now.getTime() - GRACE_MS) },
    new Date(now.getTime() - RECHECK_MS),
    BATCH,
  );
  const eventIds: string[] = [];
  let checked = 0;
  let confirmed = 0;
  for (const issuance of open) {
    await services.ledger.markIssuanceChecked(issuance.invoiceNumber, now);
    checked += 1;
    try {
      const outcome = await confirmKhqrPayment(
        services,
        verifier,
        { invoiceNumber: issuance.invoiceNumber, status: "SUCCESS", money: issuance.money },
        now,
      );
      if (outcome.eventIds.length > 0) confirmed += 1;
      eventIds.push(...outcome.eventIds);
    } catch (thrown) {
      const error = toPaymentError(thrown);
      if (error.code === "TRANSACTION_VERIFY_FAILED") continue; // not paid (yet): asked again later
      console.log(
        JSON.stringify({
          service: "gateway",
          reconciliation: issuance.invoiceNumber,
          code: error.code,
          reason: error.reason ?? error.details,
        }),
      );
      if (error.code === "SERVER_UNAVAILABLE") break; // AMK is down: the next run tries again
    }
  }
  if (eventIds.length > 0) await services.deliver(eventIds);
  return { checked, confirmed };
}
