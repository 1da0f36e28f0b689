import type { RateLimiter } from "../../../../shared/http/client-auth.ts";
import type { GatewayBindings } from "../gateway-env.ts";

/** The gateway's per-client limiter (wrangler.toml `[[ratelimits]]`). */
export const rateLimiter = (env: unknown): RateLimiter | undefined => (env as GatewayBindings).CLIENT_RATE_LIMIT;
