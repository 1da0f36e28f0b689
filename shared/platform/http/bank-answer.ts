// The end of both bank routes: the kept (or replayed) answer as the response, and the events the
// request recorded published after it, off the request path (the bank never waits on Kafka).
import type { Context } from "hono";
import type { AnsweredRequest } from "../../payments/idempotent-answer.ts";
import type { ErrorCode } from "../../payments/errors.ts";
import type { AnyApiEnv } from "./api-env.ts";

export function bankAnswer<E extends AnyApiEnv>(
  c: Context<E>,
  answered: AnsweredRequest,
  deliver: (eventIds: string[]) => Promise<unknown>,
): Response {
  // Started only once the answer is on its way: the bank never waits on Kafka, nor on the outbox.
  if (answered.eventIds.length > 0) c.executionCtx.waitUntil(afterAnswer().then(() => deliver([...answered.eventIds])));
  const headers: Record<string, string> = { "content-type": "application/json", ...answered.refusal?.headers };
  if (answered.replayed) headers["idempotent-replayed"] = "true";
  if (answered.answer.status >= 400) c.set("error", refusalForLog(answered));
  return c.body(answered.answer.body, answered.answer.status as 200, headers);
}

/** The refusal's code for the request's log line, also when it is a replay of a kept one. */
function refusalForLog(answered: AnsweredRequest): { code: ErrorCode; reason?: string } {
  if (answered.refusal) return { code: answered.refusal.code, reason: answered.refusal.reason ?? answered.refusal.details };
  const kept = JSON.parse(answered.answer.body) as { error: { code: ErrorCode } };
  return { code: kept.error.code, reason: "replayed" };
}

function afterAnswer(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
