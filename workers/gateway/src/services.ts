// The gateway's services: its adapters built from its bindings and configuration, once per
// request (the `services` middleware) or per RPC call and cron run, and handed to the payment core.
// Handlers read them from the context (`c.var.services`) and never build their own.
import type { MiddlewareHandler } from "hono";
import type { RateLimiter } from "#shared/platform/http/client-auth.ts";
import { noMetrics, type Metrics } from "#shared/platform/metrics.ts";
import { deliverEvents } from "#shared/payments/deliver-events.ts";
import { systemClock, type HealthFactsSource, type Later, type RecordStore } from "#shared/payments/ports.ts";
import { AmkPaymentVerifier } from "#shared/amk/payment-verify.ts";
import { AnalyticsEngineMetrics } from "./adapters/analytics-engine-metrics.ts";
import { d1HealthFacts, d1RecordStore } from "./adapters/records/d1.ts";
import { DurableObjectIdempotency } from "./adapters/durable-object-idempotency.ts";
import { IntegrationServicePremiums } from "./adapters/integration-service.ts";
import { eventPublisher } from "./adapters/kafka-event-publisher.ts";
import { KvPremiumCache } from "./adapters/kv-premium-cache.ts";
import { postgresHealthFacts, postgresRecordStore } from "./adapters/records/postgres.ts";
import { publishedTogether } from "./adapters/records/published-together.ts";
import { gatewayConfig, type GatewayConfig } from "./config.ts";
import { callObserver } from "./observability/call-observer.ts";
import type { GatewayBindings, GatewayEnv, GatewayServices, RequestMeasurement } from "./gateway-env.ts";

export type { GatewayServices };

interface Invocation {
  config?: GatewayConfig;
  later?: Later;
  metrics?: Metrics;
  measurement?: RequestMeasurement;
}

export function gatewayServices(env: GatewayBindings, invocation: Invocation = {}): GatewayServices {
  const config = invocation.config ?? gatewayConfig(env);
  const measurement = invocation.measurement;
  const observer = callObserver(invocation.metrics ?? metricsFor(env), measurement?.steps);
  const records = observer.watch(recordStore(env, measurement?.countStatement), "records");
  const publisher = observer.watch(eventPublisher(config.kafka), "kafka");
  return {
    config,
    records,
    premiums: observer.watch(new IntegrationServicePremiums(config.integration), "integration-service"),
    cache: observer.watch(new KvPremiumCache(env.PREMIUM_CACHE, config.premiumCacheTtlSeconds), "kv", { metered: false }),
    idempotency: observer.watch(new DurableObjectIdempotency(env.IDEMPOTENCY_SHARDS, config.idempotencyLegacyUntil), "idempotency", {
      metered: false,
    }),
    verifier: observer.watch(new AmkPaymentVerifier(config.amk), "amk"),
    clock: systemClock,
    merchantId: config.amk.merchantId,
    later: invocation.later,
    // Named events (a request's, the reconciliation's) are marked published together with the isolate's others (published-together.ts); the cron's drain marks its own at once.
    deliver: (eventIds) =>
      deliverEvents(
        {
          outbox: eventIds ? publishedTogether(records.outbox) : records.outbox,
          publisher,
          topicPrefix: config.kafka.topicPrefix,
          clock: systemClock,
        },
        eventIds,
      ).catch((error: unknown) => console.log(JSON.stringify({ service: "gateway", outbox: "delivery-failed", reason: String(error) }))),
  };
}

/** Builds the request's services once, after the configuration, metrics and measurement are set. */
export function services(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    c.set(
      "services",
      gatewayServices(c.env, {
        config: c.get("config"),
        later: (work) => c.executionCtx.waitUntil(work),
        metrics: c.get("metrics"),
        measurement: c.get("measurement"),
      }),
    );
    await next();
  };
}

/**
 * Set by `npm run deploy` to the store the environment binds ("postgres" with HYPERDRIVE, "d1"
 * without): its bundle then leaves the other store out (each is about a quarter of the gateway).
 * Unset in every other build (the tests, `npm run dev`), which carry both stores.
 */
declare const RECORDS_STORE: "d1" | "postgres" | undefined;

/**
 * PostgreSQL through Hyperdrive when the environment binds HYPERDRIVE (README "Records in
 * PostgreSQL"), D1 otherwise. Built per request: a database client never outlives its request.
 * `countStatement` is called for each statement or batch sent (measured requests only).
 */
export function recordStore(env: GatewayBindings, countStatement?: () => void): RecordStore {
  // The build constant first, written out where it is tested: a deploy's build folds it, and the store left out goes with it.
  if ((typeof RECORDS_STORE === "undefined" || RECORDS_STORE === "postgres") && env.HYPERDRIVE)
    return postgresRecordStore(env.HYPERDRIVE.connectionString, countStatement);
  if ((typeof RECORDS_STORE === "undefined" || RECORDS_STORE === "d1") && env.DB && !env.HYPERDRIVE)
    return d1RecordStore(env.DB, countStatement);
  throw noStore(env);
}

/** The dashboard's read of the records, from the same store the payments are in; `probe` for the connection check. */
export function healthFacts(env: GatewayBindings): HealthFactsSource & { probe(): Promise<void> } {
  if ((typeof RECORDS_STORE === "undefined" || RECORDS_STORE === "postgres") && env.HYPERDRIVE)
    return postgresHealthFacts(env.HYPERDRIVE.connectionString);
  if ((typeof RECORDS_STORE === "undefined" || RECORDS_STORE === "d1") && env.DB && !env.HYPERDRIVE) return d1HealthFacts(env.DB);
  throw noStore(env);
}

/** Never a silent fall back to D1 when the records are meant to be in PostgreSQL, nor the reverse. */
function noStore(env: GatewayBindings): Error {
  if (env.HYPERDRIVE) return new Error("HYPERDRIVE is bound but this gateway was built without PostgreSQL: deploy it with npm run deploy");
  if (env.DB) return new Error("DB is bound but this gateway was built for PostgreSQL: bind HYPERDRIVE, or deploy it with npm run deploy");
  return new Error("the gateway has no record store: bind HYPERDRIVE (PostgreSQL) or DB (D1) in wrangler.toml");
}

/** A new Metrics recorder: on Analytics Engine when METRICS is bound (deployed), else none (locally, in tests). */
export function metricsFor(env: GatewayBindings): Metrics {
  if (env.METRICS) return new AnalyticsEngineMetrics(env.METRICS, typeof env.ENVIRONMENT === "string" ? env.ENVIRONMENT : "development");
  return noMetrics;
}

/** The app routes' per-client limiter (wrangler.toml `CLIENT_RATE_LIMIT`, 100 a minute). */
export const clientRateLimiter = (env: GatewayBindings): RateLimiter | undefined => env.CLIENT_RATE_LIMIT;

/** The bank routes' own limiter (`BANK_RATE_LIMIT`, 1,200 a minute), so apps never use up the bank's share. */
export const bankRateLimiter = (env: GatewayBindings): RateLimiter | undefined => env.BANK_RATE_LIMIT;
