// The one place a PaymentError becomes the wire envelope of docs/api.md.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { errorEnvelope, PaymentError, toPaymentError } from "../../payments/errors.ts";
import type { AnyApiEnv } from "./api-env.ts";

export function errorResponse<E extends AnyApiEnv>(c: Context<E>, thrown: unknown): Response {
  const error = toPaymentError(thrown);
  c.set("error", { code: error.code, reason: error.reason ?? error.details ?? error.message });
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  return c.json(errorEnvelope(error, requestId), error.status, { "x-request-id": requestId, ...error.headers });
}

export function onError<E extends AnyApiEnv>(): ErrorHandler<E> {
  return (err, c) => errorResponse(c, err);
}

export function notFound<E extends AnyApiEnv>(): NotFoundHandler<E> {
  return (c) => errorResponse(c, new PaymentError("RESOURCE_NOT_FOUND", "No such endpoint", { details: `${c.req.method} ${c.req.path}` }));
}
