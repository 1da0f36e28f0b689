import { env } from "cloudflare:workers";
import { seedVerify } from "./amk.ts";
import { callGateway } from "./gateway.ts";
import { seedPremium, type TestPremium } from "./sandbox.ts";

/** The webhook AMK sends for `premium`, paid in full, unless overridden. */
export function khqrWebhookFor(premium: TestPremium, overrides: Record<string, unknown> = {}) {
  return {
    invoice_number: String(premium.id),
    status: "SUCCESS",
    merchant_number: env.AMK_MERCHANT_ID,
    paid_amount: premium.amount,
    currency: premium.currency,
    paid_datetime: "2025-10-07 12:00:00.123456",
    ...overrides,
  };
}

export function sendWebhook(body: unknown, options: { env?: Partial<Cloudflare.Env> } = {}) {
  return callGateway("/AMK/khqr", { method: "POST", body, env: options.env });
}

/** Makes the gateway know the premium (as an inquiry does) without signing in to AMK. */
export async function serve(premium: TestPremium) {
  const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
  if (response.status !== 200) throw new Error(`inquiry failed: ${response.status}`);
}

/** When AMK's payment-verify says the premium was paid (GMT+7): the webhook's instant (12:00:00.123456) floored, 2025-10-07T05:00:00Z. */
export const AMK_PAID_AT = "2025-10-07 12:00:00";

/** A premium the gateway served, which AMK's payment-verify reports as paid in full. */
export async function paidPremium(overrides: Partial<TestPremium> = {}) {
  const premium = await seedPremium(overrides);
  await serve(premium);
  await seedVerify(String(premium.id), { status: "SUCCESS", amount: premium.amount, currency: premium.currency, paidAt: AMK_PAID_AT });
  return premium;
}
