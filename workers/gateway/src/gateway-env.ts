// The gateway's bindings: the types `wrangler types` generates from wrangler.toml
// (worker-configuration.d.ts, checked in CI), with the record store's two forms made explicit.
import type { ApiEnv } from "#shared/platform/http/api-env.ts";
import type { StepTimings } from "#shared/platform/http/step-timings.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import type { GatewayConfig } from "./config.ts";
import type { GatewayServices } from "./services.ts";

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
