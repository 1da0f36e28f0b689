// GET /ops/dashboard — whether payments are healthy, at a glance (scope payments:operate, the same
// bearer token as the other /ops routes): alerts firing, success rate per channel, volume, refusal
// reasons, open exceptions, the KHQR funnel, the outbox's lag and AMK's verify latency, computed
// from the record store (so it works locally as deployed) and drawn on the server as HTML + SVG.
import type { Hono } from "hono";
import * as v from "valibot";
import { circuitStates } from "#shared/platform/circuit-breaker.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { assessHealth, healthWindow } from "#shared/payments/operations-health.ts";
import { dashboardHeaders, renderDashboardPage } from "../dashboard/dashboard-page.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { healthFacts } from "../services.ts";
import { exceptionView } from "./ops-exceptions.ts";
import { checkGatewayConnections } from "./ops-health.ts";

/** The newest exceptions looked at for the list of those to act on (all open ones are counted above it). */
const OPEN_EXCEPTIONS_SHOWN = 100;

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsDashboardDoc(): RouteDoc {
  return {
    method: "get",
    path: "/ops/dashboard",
    operationId: "getOperationsDashboard",
    tag: "Operations",
    summary: "The operator dashboard: whether payments are healthy",
    description:
      "An HTML page for people (no script, a strict Content-Security-Policy): the alert rules of docs/operations.md, firing or not; success rate per channel; volume and amount per currency; top refusal reasons; open payment exceptions; the KHQR funnel; the outbox's oldest undelivered event, backlog, dead letters and last publish; AMK payment-verify latency (p50/p95/p99) and error rate; circuit breakers; payments, success rate and verify latency per 15 minutes; this gateway's connection check (as `GET /ops/health`). The last 24 hours, from the record store. Open it in a browser signed in with Cloudflare Access, or with a bearer token like every `/ops` route.",
    scope: "payments:operate",
    rateLimit: "app",
    success: { status: 200, description: "The dashboard page", schema: v.string(), contentType: "text/html" },
    errors: ["SERVER_UNAVAILABLE"],
  };
}

export function registerOpsDashboard(app: Hono<GatewayEnv>): void {
  app.get("/ops/dashboard", operatorAuth(), async (c) => {
    const now = new Date();
    const window = healthWindow(now);
    const [facts, exceptions, connections] = await Promise.all([
      healthFacts(c.env).read(window),
      c.var.services.records.listExceptions(OPEN_EXCEPTIONS_SHOWN),
      checkGatewayConnections(c.env, c.get("config")),
    ]);
    const report = assessHealth(facts, window, circuitStates(now.getTime()));
    const openExceptions = exceptions
      .map(exceptionView)
      .filter((x) => x.resolution === null || x.resolution.resolution === "refund-requested");
    const firing = report.alerts.filter((a) => a.firing).map((a) => a.name);
    c.set("logFields", { alertsFiring: firing });
    const nonce = crypto.randomUUID().replaceAll("-", "");
    return c.body(
      renderDashboardPage(report, nonce, c.get("config").environment, { openExceptions, connections }),
      200,
      dashboardHeaders(nonce),
    );
  });
}
