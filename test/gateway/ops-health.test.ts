// GET /ops/health on each store: the gateway asks AMK (payment-verify for a transaction that does not
// exist), the Integration Service, Kafka (its topics) and the record store, each with a verdict and
// its latency. With one system down or refusing us, that part says so and the others still pass.
import { describe, expect, it } from "vitest";
import { accessSession, accessToken } from "../support/access.ts";
import { callGateway } from "../support/gateway.ts";
import { queryRow } from "../support/records.ts";
import { tokenFor } from "../support/tokens.ts";

/** A port nothing listens on: connections are refused at once. */
const DOWN = "http://127.0.0.1:9";

interface Connection {
  name: string;
  ok: boolean;
  verdict: string;
  latencyMs: number;
  target: string;
}

async function health(env: Partial<Cloudflare.Env> = {}) {
  const response = await callGateway("/ops/health", { token: await tokenFor(["payments:operate"]), env });
  expect(response.status).toBe(200);
  const { data } = await response.json<{ data: { ok: boolean; checkedAt: string; connections: Connection[] } }>();
  const part = (name: string) => data.connections.find((c) => c.name === name)!;
  const failing = data.connections.filter((c) => !c.ok).map((c) => c.name);
  return { data, part, failing };
}

describe("GET /ops/health", () => {
  it("passes every part against the sandbox, with a verdict and latency each, and books or publishes nothing", async () => {
    const outboxBefore = await queryRow<{ n: number }>("SELECT count(*) AS n FROM event_outbox");
    const { data, part, failing } = await health();
    expect(failing).toEqual([]);
    expect(data.ok).toBe(true);
    expect(data.connections.map((c) => c.name)).toEqual(["amk-payment-verify", "integration-service", "kafka", "record-store"]);
    for (const c of data.connections) expect(c.latencyMs).toBeGreaterThanOrEqual(0);
    expect(part("amk-payment-verify").verdict).toMatch(/not found.*hash and merchant binding were accepted/);
    expect(part("integration-service").verdict).toMatch(/HTTP 404.*token accepted/);
    expect(part("kafka").verdict).toBe('upstash: all 6 topics under "dev." exist');
    expect(part("record-store").verdict).toMatch(/answered a query on the payments table/);
    expect(JSON.stringify(data)).not.toContain("sandbox-hmac-key");
    expect(await queryRow<{ n: number }>("SELECT count(*) AS n FROM event_outbox")).toEqual(outboxBefore);
    expect(await queryRow("SELECT invoice_number FROM webhook_receipts WHERE invoice_number = 'HEALTHCHECK0'")).toBeNull();
  });

  it.each(["confluent-v3", "rest-v2"])("reads Kafka's topics through the %s admin API too", async (flavor) => {
    const { part } = await health({ KAFKA_REST_FLAVOR: flavor });
    expect(part("kafka")).toMatchObject({ ok: true, verdict: `${flavor}: all 6 topics under "dev." exist` });
  });

  it.each([
    ["AMK is down", { AMK_VERIFY_URL: `${DOWN}/payment-verify` }, "amk-payment-verify", /unreachable/],
    ["AMK refuses our hash", { AMK_SECRET_KEY: "not-the-key-amk-has" }, "amk-payment-verify", /refused the hash.*AMK_SECRET_KEY/],
    ["AMK does not know our merchant", { AMK_TERMINAL_ID: "70000009" }, "amk-payment-verify", /not bound.*AMK_TERMINAL_ID/],
    [
      "the Integration Service refuses our token",
      { INTEGRATION_TOKEN: "wrong" },
      "integration-service",
      /refused our token.*INTEGRATION_TOKEN/,
    ],
    ["Kafka is down", { KAFKA_REST_URL: DOWN }, "kafka", /unreachable/],
    ["Kafka refuses our credentials", { KAFKA_REST_PASSWORD: "wrong" }, "kafka", /HTTP 401.*KAFKA_REST_PASSWORD/],
    [
      "Kafka lacks the topics",
      { KAFKA_TOPIC_PREFIX: "nowhere." },
      "kafka",
      /topics missing: nowhere\.gateway\.payment\.confirmed.*npm run kafka:topics/,
    ],
  ] as const)("when %s, that part says so and nothing else fails", async (_case, env, name, verdict) => {
    const { data, part, failing } = await health(env as Partial<Cloudflare.Env>);
    expect(failing).toEqual([name]);
    expect(data.ok).toBe(false);
    expect(part(name).verdict).toMatch(verdict);
  });

  it("is for operators: an Access sign-in or a bearer token with payments:operate", async () => {
    expect((await callGateway("/ops/health", { token: null })).status).toBe(401);
    expect((await callGateway("/ops/health", { token: await tokenFor(["payments:inquire"]) })).status).toBe(403);
    const signedIn = await callGateway("/ops/health", { token: null, headers: accessSession(await accessToken("ana@example.com")) });
    expect(signedIn.status).toBe(200);
  });

  it("is drawn on the dashboard", async () => {
    const html = await (
      await callGateway("/ops/dashboard", { token: await tokenFor(["payments:operate"]), env: { KAFKA_REST_URL: DOWN } })
    ).text();
    expect(html).toContain('data-connection="amk-payment-verify" data-ok="true"');
    expect(html).toContain('data-connection="kafka" data-ok="false"');
    expect(html).toContain("1 failing");
  });
});
