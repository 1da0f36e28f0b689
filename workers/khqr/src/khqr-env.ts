// The KHQR worker's bindings (workers/khqr/wrangler.toml) and its Hono environment.
import type { ApiEnv } from "#shared/http/api-env.ts";
import type { RateLimiter } from "#shared/http/client-auth.ts";
import type { GatewayRpc } from "#shared/payments/gateway-rpc.ts";
import type { KhqrConfig } from "./config.ts";

export interface KhqrBindings {
  /** The gateway's private RPC entrypoint (service binding). */
  GATEWAY: GatewayRpc;
  AMK_SESSION: KVNamespace;
  CLIENT_RATE_LIMIT?: RateLimiter;
  [variable: string]: unknown;
}

export type KhqrEnv = ApiEnv<KhqrBindings, KhqrConfig>;
