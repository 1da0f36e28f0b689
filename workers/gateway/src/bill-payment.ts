// Bill payment confirmation: AMK tells us a customer paid a premium at the bank. Checked against
// the premium we offered (else the Integration Service's), recorded once with its events.
import type { ConfirmedPayment } from "../../../shared/events/payment-events.ts";
import { PaymentError } from "../../../shared/errors.ts";
import { sameMoney, type Money } from "../../../shared/money.ts";
import type { Premium } from "../../../shared/premium.ts";
import type { GatewayServices } from "./gateway-services.ts";
import { recordPaymentOnce } from "./payment-recording.ts";

export interface BillConfirmation {
  paymentId: number;
  policyNumber: string;
  money: Money;
  bankTransactionId: string;
  payer: string;
  /** ISO-8601 UTC. */
  paidAt: string;
}

export interface BillConfirmationResult {
  transactionId: string;
  paymentReferenceId: string;
  status: "CONFIRMED";
  message: string;
}

export async function confirmBillPayment(
  services: Pick<GatewayServices, "ledger" | "premiums">,
  confirmation: BillConfirmation,
  now: Date,
): Promise<{ result: BillConfirmationResult; eventIds: string[] }> {
  const premium = await premiumFor(services, confirmation);
  const differences = differencesFromPremium(confirmation, premium);
  if (differences.length > 0) {
    throw new PaymentError("PAYMENT_VERIFICATION_DATA_MISMATCHED", "Payment does not match the premium due", {
      details: `Differs in: ${differences.join(", ")}`,
    });
  }

  const payment: ConfirmedPayment = {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    money: premium.money,
    channel: "BILL",
    transactionId: confirmation.bankTransactionId,
    payer: confirmation.payer,
    paidAt: confirmation.paidAt,
  };
  const eventIds = await recordPaymentOnce(services.ledger, payment, now);
  return { result: confirmed(confirmation), eventIds };
}

async function premiumFor(services: Pick<GatewayServices, "ledger" | "premiums">, confirmation: BillConfirmation): Promise<Premium> {
  const offered = await services.ledger.findPremium(confirmation.paymentId);
  if (offered) return offered;
  const due = await services.premiums.find(confirmation.policyNumber);
  if (!due) {
    throw new PaymentError("RESOURCE_NOT_FOUND", "Policy not found", { details: `Query: ${confirmation.policyNumber}` });
  }
  return due;
}

function differencesFromPremium(confirmation: BillConfirmation, premium: Premium): string[] {
  const differences: string[] = [];
  if (confirmation.paymentId !== premium.id) differences.push("id");
  if (confirmation.policyNumber !== premium.policyNumber) differences.push("policyNumber");
  if (confirmation.money.currency !== premium.money.currency) differences.push("currency");
  else if (!sameMoney(confirmation.money, premium.money)) differences.push("amount");
  return differences;
}

function confirmed(confirmation: BillConfirmation): BillConfirmationResult {
  return {
    transactionId: confirmation.bankTransactionId,
    paymentReferenceId: String(confirmation.paymentId),
    status: "CONFIRMED",
    message: "Payment successfully processed",
  };
}
