// POST /ops/events/replay {"eventIds": [...]} — dead events made due again with fresh attempts and
// the same eventId (consumers drop a copy they already have); the next delivery run publishes them.
import type { Hono } from "hono";
import * as v from "valibot";
import { limitBody, readJsonBody } from "#shared/platform/http/request-input.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";

export const EventReplayBody = v.object({
  eventIds: v.pipe(
    v.array(v.pipe(v.string("eventIds must hold event ids"), v.uuid("eventIds must hold event ids (UUIDs)")), "eventIds is required"),
    v.minLength(1, "eventIds must name at least one event"),
    v.maxLength(500, "eventIds may name at most 500 events"),
  ),
});

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsEventReplayDoc(): RouteDoc {
  return {
    method: "post",
    path: "/ops/events/replay",
    operationId: "replayDeadEvents",
    tag: "Operations",
    summary: "Make dead events due again",
    description:
      "Dead events get fresh attempts under the same `eventId` (consumers drop a copy they already have); the next delivery run publishes them. `replayed` counts the named events that were dead.",
    scope: "payments:operate",
    rateLimit: "app",
    body: { schema: EventReplayBody, example: { eventIds: ["0f8b6c1e-3a2d-4c5b-8e9f-1a2b3c4d5e6f"] } },
    success: {
      status: 200,
      description: "How many of the named events were dead and are due again",
      schema: successSchema(v.object({ replayed: v.pipe(v.number(), v.integer(), v.minValue(0)) })),
      example: { success: true, data: { replayed: 1 } },
    },
    errors: ["BAD_REQUEST", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsEventReplay(app: Hono<GatewayEnv>): void {
  app.post("/ops/events/replay", operatorAuth(), limitBody, async (c) => {
    const { eventIds } = await readJsonBody(c, EventReplayBody);
    const deps = c.var.services;
    const replayed = await deps.records.outbox.replay([...new Set(eventIds)], deps.clock.now());
    console.log(
      JSON.stringify({ service: "gateway", ops: "events-replayed", requested: eventIds.length, replayed, client: c.get("client")?.id }),
    );
    return c.json({ success: true, data: { replayed } });
  });
}
