// The gateway's bindings: the types `wrangler types` generates from wrangler.toml
// (worker-configuration.d.ts, checked in CI), with the record store's two forms made explicit.
import type { ApiEnv } from "#shared/platform/http/api-env.ts";
import type { StepTimings } from "#shared/platform/http/step-timings.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import type { GatewayConfig } from "./config.ts";
import type { Clock, IdempotencyKeeper, Later, PaymentVerifier, PremiumCache, PremiumSource, RecordStore } from "#shared/payments/ports.ts";

export type GatewayBindings = Omit<GatewayBindingsGenerated, "DB" | "CLIENT_RATE_LIMIT" | "BANK_RATE_LIMIT" | "METRICS"> & {
  /** The payment records on D1, unless HYPERDRIVE is bound. */
  DB?: D1Database;
  /** The payment records on PostgreSQL through Hyperdrive; chosen over DB when present. */
  HYPERDRIVE?: Hyperdrive;
  /** Optional so tests and tools may run without a limiter. */
  CLIENT_RATE_LIMIT?: RateLimit;
  BANK_RATE_LIMIT?: RateLimit;
  /** Workers Analytics Engine, in the deployed environments only (wrangler.toml); absent locally: no metrics written. */
  METRICS?: AnalyticsEngineDataset;
  [variable: string]: unknown;
};

/** The gateway's services (services.ts builds them), as the payment core takes them. */
export interface GatewayServices {
  config: GatewayConfig;
  records: RecordStore;
  premiums: PremiumSource;
  cache: PremiumCache;
  idempotency: IdempotencyKeeper;
  verifier: PaymentVerifier;
  clock: Clock;
  merchantId: string;
  /** The request's waitUntil, for work that must not delay the answer (a booked payment's cache mark, a settle). */
  later?: Later;
  /** Publishes the given outbox events now (all that are due, without ids); failures stay for the next drain. */
  deliver(eventIds?: string[]): Promise<unknown>;
}

/** A measured request's (MEASURE_REQUESTS=true): its outside calls' timings, and the record statements it sent. */
export interface RequestMeasurement {
  steps: StepTimings;
  statements: number;
  countStatement(): void;
}

/** What the gateway's middleware sets for its handlers, beside the variables every worker has. */
export interface GatewayVariables {
  /** The invocation's one Metrics recorder (request-metrics middleware). */
  metrics?: Metrics;
  /** Set only on a measured request (measure-requests middleware). */
  measurement?: RequestMeasurement;
  /** The request's services, built once (services middleware on /AMK and /ops). */
  services: GatewayServices;
}

type ApiGatewayEnv = ApiEnv<GatewayBindings, GatewayConfig>;
export type GatewayEnv = { Bindings: GatewayBindings; Variables: ApiGatewayEnv["Variables"] & GatewayVariables };
