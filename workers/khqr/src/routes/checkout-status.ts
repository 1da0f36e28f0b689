// GET /pay/{token}/status — the checkout page's own status stream: the same Server-Sent Events as
// GET /khqr/{paymentId}/status, authorized by the page's signed link instead of a bearer token
// (a browser page cannot hold one).
import * as v from "valibot";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { Hono } from "hono";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import { readCheckoutLink } from "../checkout/checkout-link.ts";
import { checkoutLimited } from "../checkout/checkout-limits.ts";
import { notFoundPage, orProblemPage, tooManyPage } from "../checkout/problem-pages.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { reserveStream, statusStream } from "../status-stream.ts";

/** The signed checkout link's token, as the page's URL carries it. */
const CheckoutTokenParams = v.object({ token: v.pipe(v.string(), v.description("The signed, expiring token of a checkout link")) });

export function registerCheckoutStatus(app: Hono<KhqrEnv>): void {
  app.get("/pay/:token/status", async (c) => {
    const claims = await readCheckoutLink(c.get("config").checkout, c.req.param("token"));
    if (!claims) return notFoundPage(c);
    const limited = await checkoutLimited(c, claims.paymentId);
    if (limited) return limited;
    const slot = reserveStream(claims.paymentId);
    if (!slot) return tooManyPage(c);
    const read = () => rpcCall(() => c.env.GATEWAY.paymentStatus(claims.paymentId));
    // As the page itself: a plain 404 when there is nothing to pay, else "try again".
    const status = await orProblemPage(c, read);
    if (status instanceof Response) {
      slot.release();
      return status;
    }
    c.set("logFields", { paymentId: claims.paymentId, paymentStatus: status.status });
    return statusStream(c, slot, status, read);
  });
}

/** This route in the API reference (openapi-document.ts). */
export function checkoutStatusDoc(): RouteDoc {
  return {
    method: "get",
    path: "/pay/{token}/status",
    operationId: "checkoutStatus",
    tag: "Checkout",
    summary: "The checkout page's own status stream",
    description:
      "The same Server-Sent Events as `GET /khqr/{paymentId}/status`, authorized by the page's signed link instead of a bearer token.",
    scope: null,
    params: CheckoutTokenParams,
    success: {
      status: 200,
      description: "The status as Server-Sent Events",
      contentType: "text/event-stream",
      schema: v.pipe(v.string(), v.description("`event: status` with the payment status object, at once and on every change")),
    },
    errors: [],
    pageErrors: [
      { status: 404, description: "A forged, altered or expired link, or one to a payment the gateway does not know" },
      { status: 429, description: "Too many streams or renewals for this link or from this address: a plain page, with Retry-After" },
      { status: 503, description: "The gateway is unreachable: a plain page asking to try again" },
    ],
  };
}
