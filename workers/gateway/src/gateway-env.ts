// The gateway's bindings (wrangler.toml) and its Hono environment.
import type { ApiEnv } from "#shared/http/api-env.ts";
import type { RateLimiter } from "#shared/http/client-auth.ts";
import type { WebhookIdempotency } from "./adapters/durable-object-idempotency.ts";
import type { GatewayConfig } from "./config.ts";

export interface GatewayBindings {
  /** The payment records on D1, unless HYPERDRIVE is bound. */
  DB?: D1Database;
  /** The payment records on PostgreSQL through Hyperdrive; chosen over DB when present. */
  HYPERDRIVE?: Hyperdrive;
  PREMIUM_CACHE: KVNamespace;
  WEBHOOK_IDEMPOTENCY: DurableObjectNamespace<WebhookIdempotency>;
  CLIENT_RATE_LIMIT?: RateLimiter;
  BANK_RATE_LIMIT?: RateLimiter;
  [variable: string]: unknown;
}

export type GatewayEnv = ApiEnv<GatewayBindings, GatewayConfig>;
