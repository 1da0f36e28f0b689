// POST /pay/{token}/renew — the expired checkout page's button: a new QR for the same premium,
// issued exactly as GET /khqr issues one, then a redirect to the new QR's page. The link may be up
// to an hour past its expiry here (that is when the button is pressed), never on the page itself.
import * as v from "valibot";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { Hono } from "hono";
import { checkoutLink, readCheckoutLink } from "../checkout/checkout-link.ts";
import { checkoutLimited } from "../checkout/checkout-limits.ts";
import { notFoundPage, orProblemPage } from "../checkout/problem-pages.ts";
import { issueKhqrFor } from "../khqr-issuer.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { checkoutDetailsOrPage } from "./checkout-page.ts";

/** The signed checkout link's token, as the page's URL carries it. */
const CheckoutTokenParams = v.object({ token: v.pipe(v.string(), v.description("The signed, expiring token of a checkout link")) });

export function registerCheckoutRenew(app: Hono<KhqrEnv>): void {
  app.post("/pay/:token/renew", async (c) => {
    const token = c.req.param("token");
    const settings = c.get("config").checkout;
    const claims = await readCheckoutLink(settings, token, { renewal: true });
    if (!claims) return notFoundPage(c);
    const limited = await checkoutLimited(c, claims.paymentId);
    if (limited) return limited;
    const details = await checkoutDetailsOrPage(c, claims.paymentId);
    if (details instanceof Response) return details;
    // Only an expired QR is replaced: a pending one is still good, a paid premium needs nothing.
    if (details.status.status !== "EXPIRED") return c.redirect(`/pay/${token}`, 303);
    // No premium due any more (paid meanwhile, or withdrawn): nothing to pay on this link (404).
    return orProblemPage(c, async () => {
      const issued = await issueKhqrFor(c, { bankCode: details.bankCode ?? undefined, billNumber: details.status.policyNumber });
      const link = await checkoutLink(settings, issued.premium.id, issued.expiresAt);
      c.set("logFields", { paymentId: issued.premium.id, renewed: true });
      return c.redirect(link.path, 303);
    });
  });
}

/** This route in the API reference (openapi-document.ts). */
export function checkoutRenewDoc(): RouteDoc {
  return {
    method: "post",
    path: "/pay/{token}/renew",
    operationId: "renewCheckout",
    tag: "Checkout",
    summary: "A new QR for an expired checkout",
    description:
      "When the page's QR expired unpaid, issues a new one for the same bill (as `GET /khqr` does) and redirects to its page; otherwise redirects back to the same page. Accepts a link up to an hour past its expiry.",
    scope: null,
    params: CheckoutTokenParams,
    success: {
      status: 303,
      description: "To the checkout page (a new one when a QR was issued)",
      contentType: "text/html",
      schema: v.string(),
      headers: { location: "The checkout page to show" },
    },
    errors: [],
    pageErrors: [
      { status: 404, description: "A forged, altered or long-expired link" },
      { status: 429, description: "Too many streams or renewals for this link or from this address: a plain page, with Retry-After" },
      { status: 503, description: "AMK or the gateway is unreachable" },
    ],
  };
}
