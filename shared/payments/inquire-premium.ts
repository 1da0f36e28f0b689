// Premium inquiry: the premium due for a policy or application number, unless already paid.
import { PaymentError } from "../errors.ts";
import type { Premium } from "../premium.ts";
import type { Clock, PremiumSource, RecordStore } from "./ports.ts";

export async function inquirePremium(
  deps: { premiums: PremiumSource; records: RecordStore; clock: Clock },
  query: string,
): Promise<Premium> {
  let premium = await deps.premiums.find(query);
  let payment = premium && (await deps.records.findPayment(premium.id));
  if (payment) {
    // A cached copy of a premium since paid: the policy's next premium may be due already.
    premium = await deps.premiums.find(query, { fresh: true });
    payment = premium && (await deps.records.findPayment(premium.id));
  }
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${query}` });
  }
  if (payment) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", {
      details: `Query: ${query}; payment ${premium.id} was paid by ${payment.channel === "BILL" ? "bill payment" : "KHQR"}`,
    });
  }
  // Remembered as offered: later confirmations are checked against what we showed the customer.
  await deps.records.commit({ premium, events: [] }, deps.clock.now());
  return premium;
}
