// The measurement middleware (MEASURE_REQUESTS=true, local runs only: npm run bench): times this
// request's calls to the gateway and AMK, the drawing of its QR PNG, and its handler, in the
// response's Server-Timing, as the gateway does; and counts its sequential round trips
// (x-round-trips): those the gateway reports for each call it served (a measured gateway says so
// in its reply) plus the calls to AMK. Never with ENVIRONMENT=production.
import type { MiddlewareHandler } from "hono";
import { StepTimings } from "#shared/platform/http/step-timings.ts";
import { observeCalls } from "#shared/platform/observed-calls.ts";
import type { KhqrEnv } from "./khqr-env.ts";

export function measureRequests(): MiddlewareHandler<KhqrEnv> {
  return async (c, next) => {
    if (c.env.MEASURE_REQUESTS !== "true" || c.env.ENVIRONMENT === "production") return next();
    const started = performance.now();
    const steps = new StepTimings();
    let gatewayTrips = 0;
    const gateway = observeCalls(c.env.GATEWAY, (method, ms, _failure, answer, started) => {
      steps.add(`gateway.${method}`, ms, started);
      gatewayTrips += (answer as { roundTrips?: number } | undefined)?.roundTrips ?? 0;
    });
    c.env = { ...c.env, GATEWAY: gateway, MEASURED_STEPS: steps };
    await next();
    c.header("x-round-trips", String(gatewayTrips + steps.roundTrips((step) => step.startsWith("amk."))));
    c.header("server-timing", steps.header(performance.now() - started));
  };
}
