// Premium inquiry: the premium due for a policy or application number, unless already paid. The
// hot path is one cache read: a premium the cache holds as unpaid is answered without the records
// or the Integration Service. Otherwise the source is asked, the records say whether that premium
// is paid, and an unpaid one is cached and remembered as offered.
import { PaymentError } from "./errors.ts";
import type { Premium } from "./premium.ts";
import type { Clock, Later, PaymentRecord, PremiumCache, PremiumSource, RecordStore } from "./ports.ts";

export type InquiryDeps = { premiums: PremiumSource; cache: PremiumCache; records: RecordStore; clock: Clock };

/**
 * `later` runs writes that need not delay the answer (a Worker's waitUntil); without it they are
 * awaited (the KHQR worker's inquiry, whose QR record needs the premium remembered first).
 */
export async function inquirePremium(deps: InquiryDeps, query: string, later?: Later): Promise<Premium> {
  const current = await deps.cache.current(query);
  if (current) {
    // A QR about to be issued for it needs the premium in the records, and unpaid there: the
    // cache's paid mark may not have reached this location yet.
    if (!later)
      await Promise.all([deps.records.commit({ premium: current, events: [] }, deps.clock.now()), refusePaid(deps, current, query)]);
    return current;
  }
  return premiumFromSource(deps, query, later);
}

/** The premium as the Integration Service has it (the cache missed): checked unpaid, then remembered as offered and cached. */
export async function premiumFromSource(deps: InquiryDeps, query: string, later?: Later): Promise<Premium> {
  const premium = await deps.premiums.find(query);
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${query}` });
  }
  // The Integration Service learns of payments from our events: until then it offers a paid premium.
  await refusePaid(deps, premium, query);
  // Remembered as offered: later confirmations are checked against what we showed the customer.
  const remember = Promise.all([
    deps.records.commit({ premium, events: [] }, deps.clock.now()),
    deps.cache.keep(query, premium).catch(logCacheFailure),
  ]);
  if (later) later(remember.catch((error: unknown) => console.log(JSON.stringify({ inquiry: "remember-failed", reason: String(error) }))));
  else await remember;
  return premium;
}

/** 404 for a premium the records show paid (`payment`, when already read), and the cache told so. */
export async function refusePaid(deps: InquiryDeps, premium: Premium, query: string, known?: PaymentRecord): Promise<void> {
  const payment = known ?? (await deps.records.findPayment(premium.id));
  if (!payment) return;
  await deps.cache.markPaid({ paymentId: premium.id, policyNumber: premium.policyNumber }).catch(logCacheFailure);
  throw new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", {
    details: `Query: ${query}; payment ${premium.id} was paid by ${payment.channel === "BILL" ? "bill payment" : "KHQR"}`,
  });
}

function logCacheFailure(error: unknown) {
  console.log(JSON.stringify({ cache: "premium-cache-failed", reason: String(error) }));
}
