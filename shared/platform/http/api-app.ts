// The skeleton both workers' Hono apps share: request id, one log line, configuration parsed at
// the edge, one error envelope. Routes are registered on top by each worker.
// hono/tiny: the pattern router, ample for a worker's fifteen routes and 2.4 KiB gzipped lighter than the regexp router.
import { Hono } from "hono/tiny";
import type { ApiConfig, ApiEnv } from "./api-env.ts";
import { notFound, onError } from "./error-response.ts";
import { requestLog } from "./request-log.ts";

/** `Variables`: what a worker's own middleware sets beside the shared ones. */
export function apiApp<Bindings extends object, Config extends ApiConfig, Variables extends object = object>(
  service: string,
  parseConfig: (env: Bindings) => Config,
) {
  const app = new Hono<ApiEnv<Bindings, Config>>();
  // Our own id for every request: a client's X-Request-Id is only logged beside it, never trusted
  // into the records (the audit trail names requests by ids we made).
  app.use(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header("x-request-id", id);
    c.set("clientRequestId", c.req.header("x-request-id")?.slice(0, 64));
    await next();
  });
  app.use(requestLog(service));
  app.use(async (c, next) => {
    c.set("config", parseConfig(c.env));
    await next();
  });
  app.onError(onError());
  app.notFound(notFound());
  // The worker's own variables are set by its own middleware, registered after these.
  return app as unknown as Hono<{ Bindings: Bindings; Variables: ApiEnv<Bindings, Config>["Variables"] & Variables }>;
}
