// Premium inquiry: the premium due for a policy or application number, unless already paid.
import { PaymentError } from "../../../shared/errors.ts";
import type { Premium } from "../../../shared/premium.ts";
import type { GatewayServices } from "./gateway-services.ts";

export async function inquirePremium(services: Pick<GatewayServices, "premiums" | "ledger">, query: string, now: Date): Promise<Premium> {
  const premium = await services.premiums.find(query);
  if (!premium) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${query}` });
  }
  const payment = await services.ledger.findPayment(premium.id);
  if (payment) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "This premium is already paid", {
      details: `Query: ${query}; payment ${premium.id} was paid by ${payment.channel === "BILL" ? "bill payment" : "KHQR"}`,
    });
  }
  await services.ledger.rememberPremium(premium, now);
  return premium;
}
