// The end of both bank routes: the kept (or replayed) answer as the response, and the events the
// request recorded published after it, off the request path (the bank never waits on Kafka).
import type { Context } from "hono";
import type { AnsweredRequest } from "../payments/idempotent-answer.ts";
import type { AnyApiEnv } from "./api-env.ts";

export function bankAnswer<E extends AnyApiEnv>(
  c: Context<E>,
  answered: AnsweredRequest,
  deliver: (eventIds: string[]) => Promise<unknown>,
): Response {
  if (answered.eventIds.length > 0) c.executionCtx.waitUntil(deliver(answered.eventIds));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (answered.replayed) headers["idempotent-replayed"] = "true";
  return c.body(answered.answer.body, answered.answer.status as 200, headers);
}
