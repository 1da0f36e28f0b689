// The KHQR worker's bindings: the types `wrangler types` generates from workers/khqr/wrangler.toml
// (worker-configuration.d.ts, checked in CI), with the gateway seen through its RPC contract.
import type { ApiEnv } from "#shared/platform/http/api-env.ts";
import type { StepTimings } from "#shared/platform/http/step-timings.ts";
import type { GatewayRpc } from "#shared/payments/gateway-rpc.ts";
import type { KhqrConfig } from "./config.ts";

export type KhqrBindings = Omit<KhqrBindingsGenerated, "GATEWAY" | "CLIENT_RATE_LIMIT" | "CHECKOUT_RATE_LIMIT"> & {
  /** The gateway's private RPC entrypoint (service binding), typed by the contract both workers share. */
  GATEWAY: GatewayRpc;
  /** Optional so tests and tools may run without a limiter. */
  CLIENT_RATE_LIMIT?: RateLimit;
  /** The checkout links' limit per link and per address (checkout/checkout-limits.ts); optional likewise. */
  CHECKOUT_RATE_LIMIT?: RateLimit;
  /** Set per request by the measurement middleware (MEASURE_REQUESTS=true), never in wrangler.toml. */
  MEASURED_STEPS?: StepTimings;
  [variable: string]: unknown;
};

export type KhqrEnv = ApiEnv<KhqrBindings, KhqrConfig>;
