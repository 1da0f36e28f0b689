// The common end of both confirmation routes: run the work under its idempotency key, publish
// the events it recorded off the request path, and answer with the kept (or replayed) response.
import type { Context } from "hono";
import type { GatewayEnv } from "../gateway-env.ts";
import type { GatewayServices } from "../gateway-services.ts";
import { runIdempotent } from "../idempotent-request.ts";

export async function answerIdempotently(
  c: Context<GatewayEnv>,
  services: GatewayServices,
  key: string,
  input: unknown,
  work: () => Promise<{ result: unknown; eventIds: string[] }>,
): Promise<{ response: Response; replayed: boolean }> {
  let eventIds: string[] = [];
  const { answer, replayed } = await runIdempotent(services.idempotency, key, input, c.get("requestId"), async () => {
    const outcome = await work();
    eventIds = outcome.eventIds;
    return outcome.result;
  });
  if (eventIds.length > 0) c.executionCtx.waitUntil(services.deliver(eventIds));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (replayed) headers["idempotent-replayed"] = "true";
  return { response: c.body(answer.body, answer.status as 200, headers), replayed };
}
