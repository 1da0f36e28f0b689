// What production monitoring reads: Analytics Engine points (through a fake dataset: locally the
// binding is absent and nothing is written) and the log fields the Workers Observability alerts count.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { AnalyticsEngineMetrics, dataPointOf } from "../../workers/gateway/src/adapters/analytics-engine-metrics.ts";
import { seedVerify } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook } from "../support/khqr-webhook.ts";
import { refuseKafka, seedPremium } from "../support/sandbox.ts";
import { execute } from "../support/records.ts";

/** A stand-in for Workers Analytics Engine's dataset binding, keeping what it is given. */
function fakeDataset(options: { failing?: boolean } = {}) {
  const points: AnalyticsEngineDataPoint[] = [];
  return {
    points,
    writeDataPoint(point?: AnalyticsEngineDataPoint) {
      if (options.failing) throw new Error("Analytics Engine refused the point");
      points.push(point!);
    },
  };
}

function logLines(spy: ReturnType<typeof vi.spyOn>): Record<string, unknown>[] {
  return spy.mock.calls.flatMap((call: unknown[]) => {
    try {
      return [JSON.parse(String(call[0]))];
    } catch {
      return [];
    }
  });
}

afterEach(() => vi.restoreAllMocks());

describe("metrics through the Metrics port (Analytics Engine when METRICS is bound)", () => {
  it("a bill confirmation writes one point for the request and one per outside call, named by route and system, never by id", async () => {
    const dataset = fakeDataset();
    const premium = await seedPremium();
    const bill = billConfirmationFor(premium);
    const answer = await callGateway("/AMK/payments", { method: "POST", body: bill, env: { METRICS: dataset } as never });
    expect(answer.status).toBe(200);
    const names = dataset.points.map((p) => `${p.blobs![1]} ${p.indexes![0]}`);
    expect(names).toContain("request POST /AMK/payments");
    expect(names.filter((n) => n.startsWith("outside-call records."))).not.toEqual([]);
    expect(names).toContain("outside-call kafka.publish");
    const request = dataset.points.find((p) => p.indexes![0] === "POST /AMK/payments")!;
    expect(request.blobs).toEqual(["development", "request", "POST /AMK/payments", "ok"]);
    expect(request.doubles).toEqual([expect.any(Number), 200]);
    const written = JSON.stringify(dataset.points);
    for (const id of [String(premium.id), premium.policyNumber, bill.bankTransactionId]) expect(written).not.toContain(id);
  });

  it("a route with an id in its path is named by its pattern; a refusal carries its error code", async () => {
    const dataset = fakeDataset();
    const answer = await callGateway("/ops/payments/424242", { env: { METRICS: dataset } as never });
    expect(answer.status).toBe(403);
    expect(dataset.points.map((p) => p.blobs)).toEqual([["development", "request", "GET /ops/payments/:paymentId", "FORBIDDEN"]]);
  });

  it("the adapter holds Analytics Engine's limits: a long index, the 251st point of an invocation, a failing write never throw", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(dataPointOf({ kind: "request", name: "x".repeat(97), outcome: "ok", durationMs: 1 }, "uat")).toEqual({
      refused: "index over 96 bytes",
    });
    expect(dataPointOf({ kind: "request", name: "x".repeat(96), outcome: "ok", durationMs: 1 }, "uat")).toMatchObject({
      indexes: ["x".repeat(96)],
    });
    const dataset = fakeDataset();
    const metrics = new AnalyticsEngineMetrics(dataset as never, "uat");
    for (let i = 0; i < 300; i += 1) metrics.record({ kind: "outside-call", name: "kafka.publish", outcome: "ok", durationMs: i });
    expect(dataset.points).toHaveLength(250);
    const failing = new AnalyticsEngineMetrics(fakeDataset({ failing: true }) as never, "uat");
    expect(() => failing.record({ kind: "request", name: "GET /ops/events", outcome: "ok", durationMs: 1 })).not.toThrow();
    expect(logLines(log).filter((l) => l.metrics === "dropped")).toHaveLength(2); // once per invocation that dropped
  });
});

describe("the log fields the alerts count (docs/operations.md)", () => {
  it('bank routes say what became of the payment: "confirmed", "replayed", "refused", "failed"; AMK calls say ok or not', async () => {
    const log = vi.spyOn(console, "log");
    const premium = await seedPremium();
    const bill = billConfirmationFor(premium);
    await callGateway("/AMK/payments", { method: "POST", body: bill });
    await callGateway("/AMK/payments", { method: "POST", body: bill });
    await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) });
    const down = await paidPremium();
    await seedVerify(String(down.id), { respond: { httpStatus: 503 } });
    expect((await sendWebhook(khqrWebhookFor(down))).status).toBe(503);
    const lines = logLines(log);
    expect(lines.filter((l) => l.path === "/AMK/payments" && l.method === "POST").map((l) => l.payment)).toEqual([
      "confirmed",
      "replayed",
      "refused",
    ]);
    expect(lines.filter((l) => l.path === "/AMK/khqr").map((l) => l.payment)).toEqual(["failed"]);
    expect(lines.filter((l) => l.upstream === "amk-payment-verify")).toEqual([
      { service: "gateway", upstream: "amk-payment-verify", ok: false, outcome: "SERVER_UNAVAILABLE", durationMs: expect.any(Number) },
    ]);
    // Input refusals decide nothing about money: no payment field.
    await callGateway("/AMK/payments", { method: "POST", body: { ...bill, amount: "x" } });
    expect(logLines(log).at(-1)).toMatchObject({ path: "/AMK/payments", status: 400 });
    expect(logLines(log).at(-1)).not.toHaveProperty("payment");
  });

  it('the cron logs "alert":"outbox-lag" while the oldest undelivered event is older than 5 minutes', async () => {
    const premium = await seedPremium();
    await refuseKafka(premium.policyNumber, true);
    const confluent = { KAFKA_REST_FLAVOR: "confluent-v3" } as Partial<Cloudflare.Env>;
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium), env: confluent })).status).toBe(200);
    const runCron = async () => {
      const ctx = createExecutionContext();
      await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), { ...env, ...confluent }, ctx);
      await waitOnExecutionContext(ctx);
    };
    const log = vi.spyOn(console, "log");
    await runCron();
    expect(logLines(log).filter((l) => l.alert === "outbox-lag")).toEqual([]);
    await execute(
      "UPDATE event_outbox SET created_at = ? WHERE message_key = ?",
      new Date(Date.now() - 6 * 60_000).toISOString(),
      premium.policyNumber,
    );
    await runCron();
    expect(logLines(log).filter((l) => l.alert === "outbox-lag")).toEqual([
      {
        service: "gateway",
        alert: "outbox-lag",
        oldestPendingSeconds: expect.any(Number),
        eventId: expect.any(String),
        type: expect.any(String),
      },
    ]);
    await refuseKafka(premium.policyNumber, false);
  });
});
