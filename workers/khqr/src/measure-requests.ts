// The measurement middleware (MEASURE_REQUESTS=true, local runs only: npm run bench): times this
// request's calls to the gateway and AMK, the drawing of its QR PNG, and its handler, in the
// response's Server-Timing, as the gateway does. Never with ENVIRONMENT=production.
import type { MiddlewareHandler } from "hono";
import { StepTimings, timed } from "#shared/platform/http/step-timings.ts";
import type { KhqrEnv } from "./khqr-env.ts";

export function measureRequests(): MiddlewareHandler<KhqrEnv> {
  return async (c, next) => {
    if (c.env.MEASURE_REQUESTS !== "true" || c.env.ENVIRONMENT === "production") return next();
    const started = performance.now();
    const steps = new StepTimings();
    c.env = { ...c.env, GATEWAY: timed(c.env.GATEWAY, "gateway", steps), MEASURED_STEPS: steps };
    await next();
    c.header("server-timing", steps.header(performance.now() - started));
  };
}
