// Checkout links: `{KHQR_PUBLIC_URL}/pay/{token}`, the token naming the payment id and expiring
// with its QR (shared/payments/checkout-token.ts).
import { checkoutExpiry, readCheckoutToken, signCheckoutToken, type CheckoutClaims } from "#shared/payments/checkout-token.ts";
import type { CheckoutSettings } from "../config.ts";

/** How long after its QR expired a link may still ask for a new QR (the expired page's button). */
export const RENEWAL_GRACE_SECONDS = 60 * 60;

export async function checkoutLink(settings: CheckoutSettings, paymentId: number, qrExpiresAt: string) {
  const token = await signCheckoutToken(settings.signingKey, { paymentId, expiresAt: checkoutExpiry(qrExpiresAt) });
  return { token, path: `/pay/${token}`, url: `${settings.publicUrl}/pay/${token}` };
}

export function readCheckoutLink(
  settings: CheckoutSettings,
  token: string,
  options: { renewal?: boolean } = {},
): Promise<CheckoutClaims | null> {
  return readCheckoutToken(settings.signingKey, token, Date.now(), { graceSeconds: options.renewal ? RENEWAL_GRACE_SECONDS : 0 });
}
