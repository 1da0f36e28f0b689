// Defects of the payment core the simulator finds today, recognised by their circumstances so
// that `--allow` can set them aside while their fixes are on their way. A violation is excused
// only when the facts match the defect's story, never by its invariant alone: a planted bug with
// the same symptom in other circumstances is still caught. Remove each entry when its fix lands
// (all of `issue-23` once issue 23 is merged), and this file with the last one.
import type { PremiumFacts, Violation } from "./invariants.ts";

export const KNOWN_DEFECTS = {
  "i23-1-reconciliation-first": {
    group: "issue-23",
    story:
      "a payment made once flagged as a duplicate: reconciliation booked it under AMK's second (rounded, or none), the webhook's second differs",
  },
  "i23-2-two-exceptions": {
    group: "issue-23",
    story: "one payment, two exceptions under two references (webhook and reconciliation derive them differently)",
  },
  "i23-3-rerendered-datetime": {
    group: "issue-23",
    story: "a webhook retry whose paid_datetime is rendered differently (same instant) judged a second payment and flagged",
  },
  "i23-4-two-qrs-minted": {
    group: "issue-23",
    story: "two QRs minted for one invoice by concurrent GET /khqr, one replacing the other in the records",
  },
  "i23-5-qr-replaced": {
    group: "issue-23",
    story: "a QR replaced in the records (renewal, re-pricing) before it was settled: reconciliation stops watching it",
  },
  "sim-1-paid-qr-unwatched": {
    group: "found-by-sim",
    story:
      "a QR stays payable after its first payment, but its row is resolved then: a second payment whose webhooks are lost is never found",
  },
  "sim-2-qr-recorded-with-other-money": {
    group: "found-by-sim",
    story:
      "the premium re-priced between premiumForQr and recordQrIssued: the QR is recorded with the records' new money, not its own, and its correct payment is flagged AMOUNT_MISMATCH",
  },
  "sim-4-qr-for-paid-premium": {
    group: "found-by-sim",
    story:
      "a payment committed between recordQrIssuance's paid check and its write: a QR is recorded (and shown) for a paid premium; the store has no constraint against it",
  },
  "sim-3-returned-claim-forgets-check": {
    group: "found-by-sim",
    story:
      "a claim given back (AMK or the idempotency store down) erases the QR's earlier after-expiry check: the QR is later closed as 'left unchecked', a false alert",
  },
} as const;

export type KnownDefect = keyof typeof KNOWN_DEFECTS;
export type DefectGroup = (typeof KNOWN_DEFECTS)[KnownDefect]["group"];

/** Whether an exception's reference (`AMK_KHQR_{invoice}@{time}Z`) names the payment's own instant, at whatever precision. */
const namesInstant = (reference: string, paidAtMs: number) => {
  const time = reference.split("@")[1]?.replace(/Z$/, "");
  return time !== undefined && new Date(paidAtMs).toISOString().startsWith(time);
};

export function knownDefect(violation: Violation, facts: PremiumFacts | undefined): KnownDefect | undefined {
  if (!facts) return undefined;
  const khqr = facts.taken.filter((p) => p.channel === "KHQR");
  if (violation.invariant === 7) {
    if (violation.message.includes("replaced by another QR")) return facts.replacedQrs.length > 0 ? replacementKind(facts) : undefined;
    return violation.message.includes("closed with an alert") && facts.askedAfterExpiry ? "sim-3-returned-claim-forgets-check" : undefined;
  }
  if (violation.invariant === 6) return violation.paidAfterCheck ? "sim-4-qr-for-paid-premium" : undefined;
  if (violation.invariant !== 1 && violation.invariant !== 2 && violation.invariant !== 3) return undefined;
  // A QR recorded with other money than it asks: its payment cannot match.
  if (khqr.some((p) => p.qr && facts.recordedMoney.has(p.qr.qrString) && facts.recordedMoney.get(p.qr.qrString) !== p.qr.money.minor)) {
    return "sim-2-qr-recorded-with-other-money";
  }
  // Money on a QR the records no longer held: flagged against the other QR's amount, or never asked about.
  if (khqr.some((p) => facts.replacedQrs.some((r) => r.qr.qrString === p.qr?.qrString))) return replacementKind(facts);
  // An invoice paid more than once, its row resolved by one payment, another's webhooks all lost: nobody asks AMK again.
  if (violation.invariant === 1 && khqr.length > 1 && facts.rowResolvedAt && khqr.some((p) => facts.lostWebhooks.has(p.ref))) {
    return "sim-1-paid-qr-unwatched";
  }
  const bookedBy = facts.receipts.find((r) => r.outcome === "CONFIRMED")?.source;
  const amkSecondDiffers = khqr.some((p) => p.amkPaidAt === undefined || !amkMatchesFloor(p));
  if (bookedBy === "RECONCILIATION" && amkSecondDiffers) {
    return violation.invariant === 3 ? "i23-2-two-exceptions" : "i23-1-reconciliation-first";
  }
  const rerendered = khqr.some((p) => (facts.renderings.get(p.ref)?.size ?? 0) > 1);
  const flaggedOwnSecond = facts.exceptions.some((e) => khqr.some((p) => namesInstant(e.transactionId, p.paidAtMs)));
  if (bookedBy === "WEBHOOK" && rerendered && flaggedOwnSecond) return "i23-3-rerendered-datetime";
  if (
    violation.invariant === 3 &&
    amkSecondDiffers &&
    new Set(facts.exceptions.filter((e) => e.channel === "KHQR").map((e) => e.transactionId)).size > 1
  ) {
    return "i23-2-two-exceptions";
  }
  return undefined;
}

function replacementKind(facts: PremiumFacts): KnownDefect {
  // The same money replaced while payable by a request that started before it was recorded: two
  // issuances side by side (a renewal shows the open QR again); anything else is a renewal or a re-pricing.
  return facts.replacedQrs.some((r) => r.payable && r.sameMoney && r.concurrent) ? "i23-4-two-qrs-minted" : "i23-5-qr-replaced";
}

/** Whether AMK's paidAt (GMT+7, whole seconds) names the payment's own floored second. */
function amkMatchesFloor(p: { amkPaidAt?: string; paidAtMs: number }): boolean {
  if (!p.amkPaidAt) return false;
  const utc = Date.parse(`${p.amkPaidAt.replace(" ", "T")}+07:00`);
  return Math.floor(utc / 1000) === Math.floor(p.paidAtMs / 1000);
}
