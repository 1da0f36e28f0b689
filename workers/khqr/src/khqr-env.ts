// The KHQR worker's bindings (workers/khqr/wrangler.toml) and its Hono environment.
import type { ApiEnv } from "../../../shared/http/api-env.ts";
import type { RateLimiter } from "../../../shared/http/client-auth.ts";
import type { GatewayEntrypoint } from "../../gateway/src/gateway-entrypoint.ts";
import type { KhqrConfig } from "./config.ts";

export interface KhqrBindings {
  GATEWAY: Service<GatewayEntrypoint>;
  AMK_SESSION: KVNamespace;
  CLIENT_RATE_LIMIT?: RateLimiter;
  [variable: string]: unknown;
}

export type KhqrEnv = ApiEnv<KhqrBindings, KhqrConfig>;
