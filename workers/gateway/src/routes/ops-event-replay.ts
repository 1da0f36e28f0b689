// POST /ops/events/replay {"eventIds": [...]} — dead events made due again with fresh attempts and
// the same eventId (consumers drop a copy they already have); the next delivery run publishes them.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { limitBody, readJsonBody } from "#shared/http/request-input.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter, gatewayDeps } from "../wiring.ts";

export const EventReplayBody = v.object({
  eventIds: v.pipe(
    v.array(v.pipe(v.string("eventIds must hold event ids"), v.uuid("eventIds must hold event ids (UUIDs)")), "eventIds is required"),
    v.minLength(1, "eventIds must name at least one event"),
    v.maxLength(500, "eventIds may name at most 500 events"),
  ),
});

export function registerOpsEventReplay(app: Hono<GatewayEnv>): void {
  app.post("/ops/events/replay", clientAuth<GatewayEnv>("payments:operate", clientRateLimiter), limitBody, async (c) => {
    const { eventIds } = await readJsonBody(c, EventReplayBody);
    const deps = gatewayDeps(c.env, c.get("config"));
    const replayed = await deps.records.outbox.replay([...new Set(eventIds)], deps.clock.now());
    console.log(
      JSON.stringify({ service: "gateway", ops: "events-replayed", requested: eventIds.length, replayed, client: c.get("client")?.id }),
    );
    return c.json({ success: true, data: { replayed } });
  });
}
