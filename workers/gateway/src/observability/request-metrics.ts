// One metric per request (the route as registered, never its ids), and on the bank routes a log
// field saying what became of the payment (`"payment":"confirmed"|"replayed"|"refused"|"failed"`),
// which the success-rate alert counts (docs/operations.md). The request's Metrics recorder is set
// here, so its outside calls share the invocation's budget of data points.
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Metrics } from "#shared/platform/metrics.ts";
import type { GatewayBindings, GatewayEnv } from "../gateway-env.ts";

const BANK_ROUTES = new Set(["POST /AMK/payments", "POST /AMK/khqr"]);
/** Refusals before any payment judgement: nothing was decided about money. */
const NOT_JUDGED = new Set([400, 401, 403, 413, 429]);

/** `metricsFor`: the request's recorder, as services.ts builds it (index.ts passes it in). */
export function requestMetrics(metricsFor: (env: GatewayBindings) => Metrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = Date.now();
    const metrics = metricsFor(c.env);
    c.set("metrics", metrics);
    await next();
    const route = matchedRoutes(c)
      .filter((r) => r.method !== "ALL")
      .at(-1);
    const name = route ? `${route.method} ${route.path}` : "unmatched";
    const status = c.res.status;
    const code = c.get("error")?.code;
    metrics.record({ kind: "request", name, outcome: code ?? "ok", durationMs: Date.now() - started, status });
    if (BANK_ROUTES.has(name) && !NOT_JUDGED.has(status)) {
      const payment =
        status >= 500
          ? "failed"
          : status >= 400
            ? "refused"
            : c.res.headers.get("idempotent-replayed") === "true"
              ? "replayed"
              : "confirmed";
      c.set("logFields", { ...c.get("logFields"), payment });
    }
  };
}
