// Defects of the payment core the simulator finds today, recognised by their circumstances so
// that `--allow` can set them aside while their fixes are on their way. A violation is excused
// only when the facts match the defect's story, never by its invariant alone: a planted bug with
// the same symptom in other circumstances is still caught. Remove each entry when its fix lands
// (all of `issue-23` once issue 23 is merged), and this file with the last one.
import type { PremiumFacts, Violation } from "./invariants.ts";

export const KNOWN_DEFECTS = {
  "amk-one-payment-per-invoice": {
    group: "amk-limit",
    story:
      "AMK's per-invoice payment-verify never reported this payment with a second of its own (it reported the invoice's other payment, or one of them without paidAt): nothing on the bank's word tells it apart, so it is not booked or flagged (docs/contracts.md; its webhook, when one arrives, raises a khqr-webhook-names-another-payment alert)",
  },
  "sim-1-paid-qr-unwatched": {
    group: "found-by-sim",
    story:
      "a QR stays payable after its first payment, but its row is resolved then: a second payment whose webhooks are lost is never found",
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
    return violation.message.includes("closed with an alert") && facts.askedAfterExpiry ? "sim-3-returned-claim-forgets-check" : undefined;
  }
  if (violation.invariant === 6) return violation.paidAfterCheck ? "sim-4-qr-for-paid-premium" : undefined;
  if (violation.invariant !== 1 && violation.invariant !== 2 && violation.invariant !== 3) return undefined;
  if (violation.invariant === 1 && violation.message.startsWith("money neither booked nor flagged") && onlyUnreportedMissing(facts)) {
    return "amk-one-payment-per-invoice";
  }
  // An invoice paid more than once, its row resolved by one payment, another's webhooks all lost: nobody asks AMK again.
  if (violation.invariant === 1 && khqr.length > 1 && facts.rowResolvedAt && khqr.some((p) => facts.lostWebhooks.has(p.ref))) {
    return "sim-1-paid-qr-unwatched";
  }
  return undefined;
}

/** Whether AMK's paidAt (GMT+7, whole seconds) names the payment's own floored second. */
function amkMatchesFloor(p: { amkPaidAt?: string; paidAtMs: number }): boolean {
  if (!p.amkPaidAt) return false;
  const utc = Date.parse(`${p.amkPaidAt.replace(" ", "T")}+07:00`);
  return Math.floor(utc / 1000) === Math.floor(p.paidAtMs / 1000);
}

/** Every payment AMK could have told apart (a distinct second it reported) is booked or flagged: what is missing, AMK never showed. */
function onlyUnreportedMissing(facts: PremiumFacts): boolean {
  const accounted = (facts.booked?.channel === "KHQR" ? 1 : 0) + facts.exceptions.filter((e) => e.channel === "KHQR").length;
  // A payment reported without AMK's time is indistinguishable from any other: it adds no identity of its own.
  const seconds = new Set(facts.reportedByAmk.flatMap((p) => (p.amkPaidAt ? [p.amkPaidAt] : [])));
  const identities = facts.reportedByAmk.length === 0 ? 0 : Math.max(1, seconds.size);
  return accounted >= identities;
}
