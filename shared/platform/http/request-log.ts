// One structured JSON log line per request. Never a secret, a token or a body: who called, what,
// the outcome and how long it took.
import type { MiddlewareHandler } from "hono";
import type { AnyApiEnv } from "./api-env.ts";

export function requestLog<E extends AnyApiEnv>(service: string): MiddlewareHandler<E> {
  return async (c, next) => {
    const started = Date.now();
    await next();
    const error = c.get("error");
    console.log(
      JSON.stringify({
        service,
        requestId: c.get("requestId"),
        clientRequestId: c.get("clientRequestId"),
        method: c.req.method,
        path: withoutSecrets(c.req.path),
        status: c.res.status,
        durationMs: Date.now() - started,
        client: c.get("client")?.id,
        code: error?.code,
        reason: error?.reason,
        ...c.get("logFields"),
      }),
    );
  };
}

/** A checkout link's path carries its signed token: the log keeps the route, never the token. */
function withoutSecrets(path: string): string {
  return path.replace(/^\/pay\/[^/]+/, "/pay/:token");
}
