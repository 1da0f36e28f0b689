// The gateway's bindings: the types `wrangler types` generates from wrangler.toml
// (worker-configuration.d.ts, checked in CI), with the record store's two forms made explicit.
import type { ApiEnv } from "#shared/platform/http/api-env.ts";
import type { StepTimings } from "#shared/platform/http/step-timings.ts";
import type { Metrics } from "#shared/platform/metrics.ts";
import type { GatewayConfig } from "./config.ts";

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
  /** Set per request by the request-metrics middleware: the invocation's one Metrics recorder. */
  REQUEST_METRICS?: Metrics;
  /** Set per request by the measurement middleware (MEASURE_REQUESTS=true), never in wrangler.toml. */
  MEASURED_STEPS?: StepTimings;
  [variable: string]: unknown;
};

export type GatewayEnv = ApiEnv<GatewayBindings, GatewayConfig>;
