// The reconciliation pass (cron): webhooks get lost, so open QRs are checked with AMK's
// payment-verify. What AMK confirms goes through exactly the path a webhook takes (the same
// checks, idempotency and audit): booked when the premium is unpaid, flagged when the premium was
// paid meanwhile (by bill, say) or AMK verified other money.
//
// A customer can pay a QR only until it expires, so one check after its expiry finds any payment
// a lost webhook left unbooked: every QR is owed that check before it leaves the window, and it
// goes first. Then QRs never checked, then rechecks; each group nearest its expiry first. A run
// keeps claiming for its time budget; a QR that leaves the window still owing its check is closed
// with an alert, for a person.
import { toPaymentError, type PaymentError } from "./errors.ts";
import { toAmount } from "./money.ts";
import { receiveKhqrReport, type KhqrPaymentDeps } from "./khqr-payment.ts";
import type { IdempotencyKeeper, QrIssuance } from "./ports.ts";

const MINUTE = 60_000;
/** Give the webhook a head start before asking AMK ourselves. */
const GRACE_MS = 2 * MINUTE;
/** A QR that expired is asked about this much longer (late settlement), then no more. */
export const EXPIRED_GRACE_MS = 60 * MINUTE;
/** Beyond this a payment is settled by hand. */
const LOOKBACK_MS = 24 * 60 * MINUTE;
const RECHECK_MS = 5 * MINUTE;
/** QRs claimed at a time: a claimed QR is always checked (or given back), so a batch is small. */
const BATCH = 20;

/** How long a run keeps claiming QRs, and how many it asks AMK about side by side. */
export interface ReconciliationLimits {
  budgetMs: number;
  parallel: number;
}
/** Inside the cron's minute, so runs rarely overlap (overlapping is safe: claims are exclusive). */
const LIMITS: ReconciliationLimits = { budgetMs: 40_000, parallel: 4 };

export interface ReconciliationReport {
  checked: number;
  confirmed: number;
  /** QRs closed because they left the window without a check after their expiry (alerted). */
  closedUnchecked: number;
  /** Events recorded (payments and exceptions), to publish. */
  eventIds: string[];
}

export async function reconcileKhqrPayments(deps: KhqrPaymentDeps & { limits?: ReconciliationLimits }): Promise<ReconciliationReport> {
  const limits = deps.limits ?? LIMITS;
  const started = deps.clock.now();
  const result: ReconciliationReport = { checked: 0, confirmed: 0, closedUnchecked: 0, eventIds: [] };
  result.closedUnchecked = await closeUnchecked(deps, started);
  // A claim marks a QR checked: those AMK was not asked about are given back when the run ends
  // (however it ends), not before, so the run never claims one twice.
  const unasked: string[] = [];
  try {
    await checkOpenQrs(deps, limits, started.getTime() + limits.budgetMs, result, unasked);
  } finally {
    if (unasked.length > 0) await deps.records.returnIssuances(unasked);
  }
  return result;
}

/** Claims and checks QRs a batch at a time until none is due, the budget is spent, or AMK is down. */
async function checkOpenQrs(
  deps: KhqrPaymentDeps,
  limits: ReconciliationLimits,
  stopAt: number,
  result: ReconciliationReport,
  unasked: string[],
): Promise<void> {
  let amkDown = false;
  while (!amkDown && deps.clock.now().getTime() < stopAt) {
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
    if (open.length === 0) return;
    await inLanes(open, limits.parallel, async (issuance) => {
      const outcome = amkDown ? "unasked" : await check(deps, issuance, now);
      if (outcome === "amk-down") amkDown = true; // the next run tries again
      if (outcome === "unasked" || outcome === "amk-down") return void unasked.push(issuance.qrId);
      result.checked += 1;
      if (outcome.confirmed) result.confirmed += 1;
      result.eventIds.push(...outcome.eventIds);
    });
  }
}

/**
 * Reconciliation keeps no answers: a claim is exclusive, so no repeat of a check ever arrives to be
 * answered, and a kept answer (about an earlier QR of the invoice, or this QR's earlier check) must
 * never stand in for asking AMK now, since AMK reports per invoice and a QR can be paid until it
 * expires. Nor does each check cost the idempotency store two calls and a kept entry.
 */
const NOTHING_KEPT: IdempotencyKeeper = {
  admit: async () => ({ kind: "proceed", lease: "reconciliation", quiet: false }),
  settle: async () => {},
};

type CheckOutcome = { confirmed: boolean; eventIds: readonly string[] } | "unasked" | "amk-down";

async function check(deps: KhqrPaymentDeps, issuance: QrIssuance, now: Date): Promise<CheckOutcome> {
  const report = {
    source: "RECONCILIATION" as const,
    invoiceNumber: issuance.invoiceNumber,
    status: "SUCCESS",
    merchantNumber: deps.merchantId,
    money: issuance.money,
    qrId: issuance.qrId,
  };
  const input = { source: report.source, qrId: issuance.qrId, minor: report.money.minor, currency: report.money.currency };
  const receipt = {
    invoiceNumber: issuance.invoiceNumber,
    status: "SUCCESS",
    merchantNumber: deps.merchantId,
    paidAmount: toAmount(issuance.money),
    currency: issuance.money.currency,
    paidDatetime: "",
  };
  try {
    const answered = await receiveKhqrReport({ ...deps, idempotency: NOTHING_KEPT }, report, {
      input,
      requestId: `reconciliation-${now.toISOString()}`,
      receipt,
    });
    if (answered.refusal) logRefusal(issuance.invoiceNumber, answered.refusal);
    return { confirmed: answered.eventIds.length > 0 && !answered.refusal, eventIds: answered.eventIds };
  } catch (thrown) {
    const error = toPaymentError(thrown);
    if (error.code === "TRANSACTION_VERIFY_FAILED") return { confirmed: false, eventIds: [] }; // AMK: not paid (yet)
    logRefusal(issuance.invoiceNumber, error);
    return error.code === "SERVER_UNAVAILABLE" ? "amk-down" : "unasked";
  }
}

/** Closes the QRs whose window ended while they still owed their after-expiry check, one alert line each. */
async function closeUnchecked(deps: KhqrPaymentDeps, now: Date): Promise<number> {
  const closed = await deps.records.closeUncheckedIssuances(
    { issuedAfter: new Date(now.getTime() - LOOKBACK_MS), expiredBefore: new Date(now.getTime() - EXPIRED_GRACE_MS), limit: 100 },
    now,
  );
  for (const qr of closed) {
    console.log(
      JSON.stringify({
        alert: "qr-left-unchecked",
        invoiceNumber: qr.invoiceNumber,
        paymentId: qr.paymentId,
        expiresAt: qr.expiresAt,
        reason: "reconciliation never asked AMK about this QR after its expiry: a payment with a lost webhook would be unbooked",
      }),
    );
  }
  return closed.length;
}

/** Runs `work` on every item, at most `lanes` at a time. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

function logRefusal(invoiceNumber: string, error: PaymentError) {
  console.log(JSON.stringify({ reconciliation: invoiceNumber, code: error.code, reason: error.reason ?? error.details }));
}
