// What the simulator sets aside, recognised by its circumstances, never by its invariant alone: a
// planted bug with the same symptom in other circumstances is still caught.
// - The group "amk-limit" is a limit of AMK's API, not a defect of ours: always set aside.
// - A defect the simulator finds gets an entry (its own group, set aside only with `--allow`)
//   while its fix is on its way, and loses it when the fix lands. Every defect found so far is
//   fixed; docs/simulation.md lists them with the seeds that found them.
import type { PremiumFacts, Violation } from "./invariants.ts";

export const KNOWN_DEFECTS = {
  "amk-one-payment-per-invoice": {
    group: "amk-limit",
    story:
      "AMK's per-invoice payment-verify never reported this payment with a second of its own (it reported the invoice's other payment, one of them without paidAt, or two a second apart): nothing on the bank's word tells it apart, so it is not booked or flagged (docs/contracts.md; its webhook, when one arrives, raises a khqr-webhook-names-another-payment alert)",
  },
} as const;

export type KnownDefect = keyof typeof KNOWN_DEFECTS;
export type DefectGroup = (typeof KNOWN_DEFECTS)[KnownDefect]["group"];

export function knownDefect(violation: Violation, facts: PremiumFacts | undefined): KnownDefect | undefined {
  if (!facts) return undefined;
  if (violation.invariant === 1 && violation.message.startsWith("money neither booked nor flagged") && onlyUnreportedMissing(facts)) {
    return "amk-one-payment-per-invoice";
  }
  return undefined;
}

/** Every payment AMK could have told apart (a distinct second it reported) is booked or flagged: what is missing, AMK never showed. */
function onlyUnreportedMissing(facts: PremiumFacts): boolean {
  const accounted = (facts.booked?.channel === "KHQR" ? 1 : 0) + facts.exceptions.filter((e) => e.channel === "KHQR").length;
  // A payment reported without AMK's time is indistinguishable from any other: it adds no identity of its own;
  // nor do seconds next to each other (AMK floors or rounds, so the gateway takes them for one payment).
  const seconds = [
    ...new Set(facts.reportedByAmk.flatMap((p) => (p.amkPaidAt ? [Date.parse(`${p.amkPaidAt.replace(" ", "T")}+07:00`)] : []))),
  ];
  const apart = seconds.sort((a, b) => a - b).filter((at, i) => i === 0 || at - seconds[i - 1]! > 1_000).length;
  const identities = facts.reportedByAmk.length === 0 ? 0 : Math.max(1, apart);
  return accounted >= identities;
}
