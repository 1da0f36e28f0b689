// GET /ops/events?state=dead|pending&limit=100 — the outbox's events in that state, oldest first
// (scope payments:operate): what an operator looks at after a Kafka outage.
import type { Hono } from "hono";
import * as v from "valibot";
import { parseInput } from "#shared/platform/http/request-input.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { OutboxEventView } from "#shared/payments/ports.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { OpsLimit } from "./ops-exceptions.ts";

export const OpsEventsQuery = v.object({
  state: v.picklist(["dead", "pending"], "state must be dead or pending"),
  limit: OpsLimit,
});

/** An outbox event as operators see it (the port's OutboxEventView). */
export const outboxEventViewSchema = () =>
  v.object({
    eventId: v.string(),
    type: v.string(),
    topic: v.pipe(v.string(), v.description("The Kafka topic: the type under this environment's KAFKA_TOPIC_PREFIX")),
    key: v.string(),
    paymentId: v.nullable(v.number()),
    state: v.picklist(["pending", "published", "dead"]),
    attempts: v.number(),
    lastError: v.nullable(v.string()),
    createdAt: v.string(),
    nextAttemptAt: v.string(),
    publishedAt: v.nullable(v.string()),
    deadAt: v.nullable(v.string()),
  });

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsEventsDoc(): RouteDoc {
  return {
    method: "get",
    path: "/ops/events",
    operationId: "listOutboxEvents",
    tag: "Operations",
    summary: "The outbox's dead or still pending events, oldest first",
    description:
      "What an operator looks at after a Kafka outage: events dead-lettered after 12 attempts, or still waiting to be published.",
    scope: "payments:operate",
    rateLimit: "app",
    query: OpsEventsQuery,
    success: {
      status: 200,
      description: "The events in that state",
      schema: successSchema(v.object({ events: v.array(outboxEventViewSchema()) })),
      example: {
        success: true,
        data: {
          events: [
            {
              eventId: "0f8b6c1e-3a2d-4c5b-8e9f-1a2b3c4d5e6f",
              type: "gateway.payment.confirmed",
              key: "P123456789",
              paymentId: 150001,
              state: "dead",
              attempts: 12,
              lastError: "Kafka REST answered 503",
              createdAt: "2025-10-07T05:00:00.000Z",
              nextAttemptAt: "2025-10-07T10:30:00.000Z",
              publishedAt: null,
              deadAt: "2025-10-07T10:30:00.000Z",
            },
          ],
        },
      },
    },
    errors: ["BAD_REQUEST", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsEvents(app: Hono<GatewayEnv>): void {
  app.get("/ops/events", operatorAuth(), async (c) => {
    const { state, limit } = parseInput(OpsEventsQuery, { state: c.req.query("state"), limit: c.req.query("limit") });
    const config = c.get("config");
    const events = await c.var.services.records.outbox.list(state, limit);
    return c.json({ success: true, data: { events: withTopics(events, config.kafka.topicPrefix) } });
  });
}

/** The topic each event goes to (the outbox keeps the type; the prefix is the environment's). */
export function withTopics(events: OutboxEventView[], topicPrefix: string) {
  return events.map((event) => ({ ...event, topic: `${topicPrefix}${event.type}` }));
}
