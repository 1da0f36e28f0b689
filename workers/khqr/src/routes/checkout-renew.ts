// POST /pay/{token}/renew — the expired checkout page's button: a new QR for the same premium,
// issued exactly as GET /khqr issues one, then a redirect to the new QR's page. The link may be up
// to an hour past its expiry here (that is when the button is pressed), never on the page itself.
import type { Hono } from "hono";
import { toPaymentError } from "#shared/errors.ts";
import { checkoutLink, readCheckoutLink } from "../checkout/checkout-link.ts";
import { notFoundPage, unavailablePage } from "../checkout/problem-pages.ts";
import { issueKhqrFor } from "../khqr-issuer.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { checkoutDetailsOrPage } from "./checkout-page.ts";

export function registerCheckoutRenew(app: Hono<KhqrEnv>): void {
  app.post("/pay/:token/renew", async (c) => {
    const token = c.req.param("token");
    const settings = c.get("config").checkout;
    const claims = await readCheckoutLink(settings, token, { renewal: true });
    if (!claims) return notFoundPage(c);
    const details = await checkoutDetailsOrPage(c, claims.paymentId);
    if (details instanceof Response) return details;
    // Only an expired QR is replaced: a pending one is still good, a paid premium needs nothing.
    if (details.status.status !== "EXPIRED") return c.redirect(`/pay/${token}`, 303);
    try {
      const issued = await issueKhqrFor(c, { bankCode: details.bankCode ?? undefined, billNumber: details.status.policyNumber });
      const link = await checkoutLink(settings, issued.premium.id, issued.expiresAt);
      c.set("logFields", { paymentId: issued.premium.id, renewed: true });
      return c.redirect(link.path, 303);
    } catch (thrown) {
      const error = toPaymentError(thrown);
      c.set("error", { code: error.code, reason: error.reason ?? error.details ?? error.message });
      // No premium due any more (paid meanwhile, or withdrawn): nothing to pay on this link.
      return error.status === 404 ? notFoundPage(c) : unavailablePage(c);
    }
  });
}
