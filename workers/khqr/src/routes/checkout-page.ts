// GET /pay/{token} — the hosted checkout page (docs/api.md). No bearer token: the signed
// link is the authority. A bad link of any kind gets the same plain 404 page.
import * as v from "valibot";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { Context, Hono } from "hono";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import type { CheckoutDetails } from "#shared/payments/checkout-details.ts";
import { readCheckoutLink } from "../checkout/checkout-link.ts";
import { checkoutPage } from "../checkout/checkout-page.ts";
import { newNonce, pageHeaders } from "../checkout/page-headers.ts";
import { notFoundPage, orProblemPage } from "../checkout/problem-pages.ts";
import type { KhqrEnv } from "../khqr-env.ts";

/** The signed checkout link's token, as the page's URL carries it. */
const CheckoutTokenParams = v.object({ token: v.pipe(v.string(), v.description("The signed, expiring token of a checkout link")) });

export function registerCheckoutPage(app: Hono<KhqrEnv>): void {
  app.get("/pay/:token", async (c) => {
    const token = c.req.param("token");
    const claims = await readCheckoutLink(c.get("config").checkout, token);
    if (!claims) return notFoundPage(c);
    const details = await checkoutDetailsOrPage(c, claims.paymentId);
    if (details instanceof Response) return details;
    c.set("logFields", { paymentId: claims.paymentId, paymentStatus: details.status.status });
    const nonce = newNonce();
    return c.html(checkoutPage(details, token, nonce, Date.now()), 200, pageHeaders(nonce));
  });
}

/** The gateway's details for the page, or the page that says why there are none (404, or try again). */
export function checkoutDetailsOrPage(c: Context<KhqrEnv>, paymentId: number): Promise<CheckoutDetails | Response> {
  return orProblemPage(c, () => rpcCall(() => c.env.GATEWAY.checkoutDetails(paymentId)));
}

/** This route in the API reference (openapi-document.ts). */
export function checkoutPageDoc(): RouteDoc {
  return {
    method: "get",
    path: "/pay/{token}",
    operationId: "checkoutPage",
    tag: "Checkout",
    summary: "The hosted KHQR checkout page",
    description:
      "A mobile-first HTML page: the payer's name, the policy number, the amount, the KHQR code, the time left, and the live status turning to Paid or Expired without a reload (an expired QR offers a new one). No bearer token: the link's signed token authorizes it. Nothing loads from another origin; a strict Content-Security-Policy is sent.",
    scope: null,
    params: CheckoutTokenParams,
    success: { status: 200, description: "The checkout page", contentType: "text/html", schema: v.string() },
    errors: [],
    pageErrors: [
      { status: 404, description: "A forged, altered or expired link: one plain page that reveals nothing" },
      { status: 503, description: "The gateway is unreachable: a plain page asking to try again" },
    ],
  };
}
