import type { TestPremium } from "./sandbox.ts";

/** A bill confirmation body that matches `premium`, with a fresh bank transaction id. */
export function billConfirmationFor(premium: TestPremium, overrides: Record<string, unknown> = {}) {
  return {
    id: premium.id,
    policyNumber: premium.policyNumber,
    amount: premium.amount,
    currency: premium.currency,
    bankTransactionId: `AMK${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
    payer: premium.payer,
    paidDate: "20251007120000",
    ...overrides,
  };
}
