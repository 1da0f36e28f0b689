// The measurement middleware (MEASURE_REQUESTS=true, local runs only: npm run bench and the
// round-trip tests). It times this request's outside calls and its handler (Server-Timing) and
// counts, when the answer is ready:
// - x-round-trips: the sequential round trips to our own stores and services (records, the
//   idempotency object, KV, the Integration Service); calls waited on together count once;
// - x-amk-round-trips: the same for AMK, whose time is its own;
// - x-record-round-trips: the statements (or D1 batches) sent to the record store, on D1 or PostgreSQL.
// Never with ENVIRONMENT=production.
import type { MiddlewareHandler } from "hono";
import { StepTimings, timed } from "#shared/platform/http/step-timings.ts";
import type { GatewayBindings, GatewayEnv, RequestMeasurement } from "../gateway-env.ts";

const OURS = ["records.", "idempotency.", "kv.", "integration-service."];
/** A step that is a call to our own stores and services (not AMK, not the rate limiter). */
export const countsAsOurs = (step: string) => OURS.some((prefix) => step.startsWith(prefix));

/** Whether this invocation is measured (MEASURE_REQUESTS=true, never in production). */
export const measured = (env: GatewayBindings) => env.MEASURE_REQUESTS === "true" && env.ENVIRONMENT !== "production";

/** A new measurement: its steps' timings, and the record statements it counts. */
export function newMeasurement(): RequestMeasurement {
  const measurement: RequestMeasurement = {
    steps: new StepTimings(),
    statements: 0,
    countStatement: () => void (measurement.statements += 1),
  };
  return measurement;
}

export function measureRequests(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (!measured(c.env)) return next();
    const started = performance.now();
    const measurement = newMeasurement();
    const { steps } = measurement;
    const limiter = (binding: RateLimit | undefined) => binding && timed(binding, "rate-limit", steps);
    c.env = { ...c.env, CLIENT_RATE_LIMIT: limiter(c.env.CLIENT_RATE_LIMIT), BANK_RATE_LIMIT: limiter(c.env.BANK_RATE_LIMIT) };
    c.set("measurement", measurement);
    await next();
    c.header("x-round-trips", String(steps.roundTrips(countsAsOurs)));
    c.header("x-amk-round-trips", String(steps.roundTrips((step) => step.startsWith("amk."))));
    c.header("x-record-round-trips", String(measurement.statements));
    c.header("server-timing", steps.header(performance.now() - started));
  };
}
