// GET /ops/events?state=dead|pending&limit=100 — the outbox's events in that state, oldest first
// (scope payments:operate): what an operator looks at after a Kafka outage.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter, gatewayDeps } from "../wiring.ts";
import { OpsLimit } from "./ops-exceptions.ts";

export const OpsEventsQuery = v.object({
  state: v.picklist(["dead", "pending"], "state must be dead or pending"),
  limit: OpsLimit,
});

export function registerOpsEvents(app: Hono<GatewayEnv>): void {
  app.get("/ops/events", clientAuth<GatewayEnv>("payments:operate", clientRateLimiter), async (c) => {
    const { state, limit } = parseInput(OpsEventsQuery, { state: c.req.query("state"), limit: c.req.query("limit") });
    const events = await gatewayDeps(c.env, c.get("config")).records.outbox.list(state, limit);
    return c.json({ success: true, data: { events } });
  });
}
