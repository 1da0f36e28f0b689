// GET /pay/{token}/status — the checkout page's own status stream: the same Server-Sent Events as
// GET /khqr/{paymentId}/status, authorized by the page's signed link instead of a bearer token
// (a browser page cannot hold one).
import type { Hono } from "hono";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import { readCheckoutLink } from "../checkout/checkout-link.ts";
import { notFoundPage } from "../checkout/problem-pages.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { statusStream } from "../status-stream.ts";

export function registerCheckoutStatus(app: Hono<KhqrEnv>): void {
  app.get("/pay/:token/status", async (c) => {
    const claims = await readCheckoutLink(c.get("config").checkout, c.req.param("token"));
    if (!claims) return notFoundPage(c);
    const read = () => rpcCall(() => c.env.GATEWAY.paymentStatus(claims.paymentId));
    const status = await read();
    c.set("logFields", { paymentId: claims.paymentId, paymentStatus: status.status });
    return statusStream(c, status, read);
  });
}
