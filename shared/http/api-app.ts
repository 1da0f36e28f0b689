// The skeleton both workers' Hono apps share: request id, one log line, configuration parsed at
// the edge, one error envelope. Routes are registered on top by each worker.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { ApiConfig, ApiEnv } from "./api-env.ts";
import { notFound, onError } from "./error-response.ts";
import { requestLog } from "./request-log.ts";

export function apiApp<Bindings extends object, Config extends ApiConfig>(service: string, parseConfig: (env: Bindings) => Config) {
  const app = new Hono<ApiEnv<Bindings, Config>>();
  app.use(requestId({ limitLength: 64 }));
  app.use(requestLog(service));
  app.use(async (c, next) => {
    c.set("config", parseConfig(c.env));
    await next();
  });
  app.onError(onError());
  app.notFound(notFound());
  return app;
}
