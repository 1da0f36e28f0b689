// Authentication, scope and rate limit, in the order docs/api.md fixes: no or bad
// token 401, valid token without the scope 403, too many requests 429.
import type { MiddlewareHandler } from "hono";
import { requireScope, verifyBearerToken, type Client, type Scope } from "../auth/bearer-token.ts";
import { PaymentError } from "../../payments/errors.ts";
import type { AnyApiEnv } from "./api-env.ts";

/** The Workers Rate Limiting binding's shape (counts per location, approximate). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** Both limits count per wall-clock minute (the binding's period of 60 s). */
const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Seconds until the current window reopens: the next period boundary, at least 1. */
export function retryAfterSeconds(nowMs: number, periodSeconds = RATE_LIMIT_PERIOD_SECONDS): number {
  return Math.max(1, periodSeconds - (Math.floor(nowMs / 1000) % periodSeconds));
}

export function clientAuth<E extends AnyApiEnv>(
  scope: Scope,
  rateLimiter: (bindings: E["Bindings"]) => RateLimiter | undefined,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const client = await verifyBearerToken(c.req.header("authorization"), c.get("config").tokens);
    c.set("client", client);
    requireScope(client, scope);
    await withinRateLimit(rateLimiter(c.env), client);
    await next();
  };
}

/** 429 once the client (by its `sub`, or an operator's email) is over its limit. */
export async function withinRateLimit(limiter: RateLimiter | undefined, client: Client): Promise<void> {
  if (limiter && !(await limiter.limit({ key: client.id })).success) {
    throw new PaymentError("RATE_LIMITED", "Too many requests; retry later", {
      reason: `client ${client.id} over its limit`,
      headers: { "retry-after": String(retryAfterSeconds(Date.now())) },
    });
  }
}
