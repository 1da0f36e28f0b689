// Who may use the /ops routes: a tool with a bearer token holding payments:operate (as before), or a
// person Cloudflare Access signed in (its assertion, in the header or the cookie, when ACCESS_* are
// set). An Authorization header is always judged as a bearer token; without one, the Access
// assertion. A browser's cookie rides along on any request, so a state-changing request signed in
// by Access must come from a page of this origin.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ACCESS_COOKIE, ACCESS_HEADER, verifyAccessAssertion } from "#shared/platform/auth/access-assertion.ts";
import { requireScope, verifyBearerToken } from "#shared/platform/auth/bearer-token.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { withinRateLimit } from "#shared/platform/http/client-auth.ts";
import type { GatewayEnv } from "../gateway-env.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function operatorAuth(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const authorization = c.req.header("authorization");
    const access = c.get("config").access;
    if (authorization !== undefined || !access) {
      const client = await verifyBearerToken(authorization, c.get("config").tokens);
      c.set("client", client);
      c.set("credential", { scheme: "bearer", value: authorization!.slice("Bearer ".length) });
    } else {
      // Access sends both; the header is the one its edge sets on every request it lets through.
      const assertion = c.req.header(ACCESS_HEADER) || getCookie(c, ACCESS_COOKIE);
      c.set("client", await verifyAccessAssertion(assertion, access));
      c.set("credential", { scheme: "access", value: assertion! });
      if (!SAFE_METHODS.has(c.req.method)) requireSameOrigin(c);
    }
    const client = c.get("client")!;
    requireScope(client, "payments:operate");
    // The app routes' per-client limiter (wrangler.toml `CLIENT_RATE_LIMIT`), read from the binding here.
    await withinRateLimit(c.env.CLIENT_RATE_LIMIT, client);
    await next();
  };
}

/**
 * The request came from a page of this origin: its Origin header says so, or, where a browser
 * sends none (or "null", as under a no-referrer policy), its Sec-Fetch-Site, which no page can set.
 * Neither: refused, as a browser always sends one on a POST.
 */
export function requireSameOrigin(c: Context): void {
  const origin = c.req.header("origin");
  const own = new URL(c.req.url).origin;
  const told = origin !== undefined && origin !== "null";
  const sameOrigin = told ? origin === own : c.req.header("sec-fetch-site") === "same-origin";
  if (!sameOrigin) {
    throw new PaymentError("FORBIDDEN", "Operator forms are accepted from the gateway's own pages only", {
      reason: `cross-origin operator request (Origin ${origin ?? "absent"}, own ${own})`,
    });
  }
}
