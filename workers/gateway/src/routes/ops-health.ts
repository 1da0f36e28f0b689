// GET /ops/health — the gateway checks its own connections from where it runs (scope payments:operate
// or an Access sign-in): AMK payment-verify, the Integration Service, Kafka's topics, the record store,
// each with its latency and verdict. Always 200 with `ok` per part and overall: a system that is down
// is a finding, not an error of this route. Nothing is booked or published.
import type { Hono } from "hono";
import * as v from "valibot";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { checkConnections, type ConnectionReport } from "../connections/connection-check.ts";
import { amkVerifyProbe, integrationProbe, kafkaProbe, recordStoreProbe } from "../connections/probes.ts";
import type { GatewayConfig } from "../config.ts";
import type { GatewayBindings, GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { healthFacts } from "../services.ts";

/** Every connection of this gateway, checked now (also drawn on the dashboard). */
export function checkGatewayConnections(env: GatewayBindings, config: GatewayConfig): Promise<ConnectionReport> {
  const store = recordStoreProbe({ probe: () => healthFacts(env).probe() }, env.HYPERDRIVE ? "PostgreSQL" : "D1");
  return checkConnections([amkVerifyProbe(config), integrationProbe(config), kafkaProbe(config), store]);
}

const connectionSchema = () =>
  v.object({
    name: v.picklist(["amk-payment-verify", "integration-service", "kafka", "record-store"]),
    ok: v.boolean(),
    verdict: v.string(),
    latencyMs: v.number(),
    target: v.pipe(v.string(), v.description("Where it was asked: a host, or the store's kind")),
  });

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsHealthDoc(): RouteDoc {
  return {
    method: "get",
    path: "/ops/health",
    operationId: "checkConnections",
    tag: "Operations",
    summary: "The gateway checks its own connections",
    description:
      "From where the worker runs: AMK payment-verify for a transaction that does not exist (AMK's \"not found\" proves our hash and merchant binding), the Integration Service with a test query, Kafka's topic list (every contract topic must exist), and a query on the record store; each with its latency and verdict. Always 200: `ok` says whether every part passed. Nothing is booked, published or counted against a circuit breaker. `npm run deploy` ends by calling it.",
    scope: "payments:operate",
    rateLimit: "app",
    success: {
      status: 200,
      description: "Each connection's verdict",
      schema: successSchema(v.object({ ok: v.boolean(), checkedAt: v.string(), connections: v.array(connectionSchema()) })),
      example: {
        success: true,
        data: {
          ok: false,
          checkedAt: "2026-03-01T12:00:00.000Z",
          connections: [
            {
              name: "amk-payment-verify",
              ok: true,
              verdict: 'answered "not found" for the test transaction: our hash and merchant binding were accepted',
              latencyMs: 212,
              target: "mms-uat.amkcambodia.com:444",
            },
            {
              name: "integration-service",
              ok: true,
              verdict: "answered HTTP 404 to a test query: reachable, token accepted",
              latencyMs: 48,
              target: "integration-uat.example",
            },
            {
              name: "kafka",
              ok: false,
              verdict: "topics missing: uat.gateway.payment.exception (npm run kafka:topics)",
              latencyMs: 95,
              target: "kafka-rest.example",
            },
            { name: "record-store", ok: true, verdict: "D1 answered a query on the payments table", latencyMs: 3, target: "D1" },
          ],
        },
      },
    },
    errors: [],
  };
}

export function registerOpsHealth(app: Hono<GatewayEnv>): void {
  app.get("/ops/health", operatorAuth(), async (c) => {
    const report = await checkGatewayConnections(c.env, c.get("config"));
    c.set("logFields", { connectionsOk: report.ok, failing: report.connections.filter((x) => !x.ok).map((x) => x.name) });
    return c.json({ success: true, data: report });
  });
}
