// GET /pay/{token} — the hosted checkout page (external-contracts §8). No bearer token: the signed
// link is the authority. A bad link of any kind gets the same plain 404 page.
import type { Context, Hono } from "hono";
import { toPaymentError } from "#shared/errors.ts";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import type { CheckoutDetails } from "#shared/payments/checkout-details.ts";
import { readCheckoutLink } from "../checkout/checkout-link.ts";
import { checkoutPage } from "../checkout/checkout-page.ts";
import { newNonce, pageHeaders } from "../checkout/page-headers.ts";
import { notFoundPage, unavailablePage } from "../checkout/problem-pages.ts";
import type { KhqrEnv } from "../khqr-env.ts";

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
export async function checkoutDetailsOrPage(c: Context<KhqrEnv>, paymentId: number): Promise<CheckoutDetails | Response> {
  try {
    return await rpcCall(() => c.env.GATEWAY.checkoutDetails(paymentId));
  } catch (thrown) {
    const error = toPaymentError(thrown);
    c.set("error", { code: error.code, reason: error.reason ?? error.details ?? error.message });
    return error.status === 404 ? notFoundPage(c) : unavailablePage(c);
  }
}
