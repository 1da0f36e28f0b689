// The measurement middleware (MEASURE_REQUESTS=true, local runs only: npm run bench and the
// round-trip tests): counts this request's D1 round trips (x-record-round-trips) and times its
// outside calls and its handler (Server-Timing). Never with ENVIRONMENT=production.
import type { MiddlewareHandler } from "hono";
import { StepTimings, timed } from "#shared/platform/http/step-timings.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { countingD1 } from "./round-trip-counter.ts";

export function measureRequests(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (c.env.MEASURE_REQUESTS !== "true" || c.env.ENVIRONMENT === "production") return next();
    const started = performance.now();
    const steps = new StepTimings();
    const counter = { count: 0 };
    const d1 = c.env.DB && !c.env.HYPERDRIVE ? c.env.DB : undefined;
    const limiter = (binding: RateLimit | undefined) => binding && timed(binding, "rate-limit", steps);
    c.env = {
      ...c.env,
      DB: d1 ? countingD1(d1, counter) : c.env.DB,
      CLIENT_RATE_LIMIT: limiter(c.env.CLIENT_RATE_LIMIT),
      BANK_RATE_LIMIT: limiter(c.env.BANK_RATE_LIMIT),
      MEASURED_STEPS: steps,
    };
    await next();
    if (d1) c.header("x-record-round-trips", String(counter.count));
    c.header("server-timing", steps.header(performance.now() - started));
  };
}
