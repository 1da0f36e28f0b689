// The operator's routes: dead-lettered events found and replayed, and one premium's whole story.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook } from "../support/khqr-webhook.ts";
import { kafkaRecords, refuseKafka, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { execute } from "../support/records.ts";

const confluent = { KAFKA_REST_FLAVOR: "confluent-v3" } as Partial<Cloudflare.Env>;

async function operator(path: string, body?: unknown) {
  return callGateway(path, { token: await tokenFor(["payments:operate"]), ...(body === undefined ? {} : { method: "POST", body }) });
}

async function runCron() {
  const ctx = createExecutionContext();
  await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), { ...env, ...confluent }, ctx);
  await waitOnExecutionContext(ctx);
}

describe("/ops/events and /ops/events/replay", () => {
  it("lists dead events, replays them under the same eventId, and the next delivery run publishes them", async () => {
    const premium = await seedPremium();
    await refuseKafka(premium.policyNumber, true);
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium), env: confluent })).status).toBe(200);
    const pending = await (await operator("/ops/events?state=pending&limit=500")).json<any>();
    const ours = pending.data.events.filter((e: any) => e.key === premium.policyNumber);
    expect(ours.map((e: any) => [e.type, e.state, e.attempts, e.paymentId]).sort()).toEqual([
      ["gateway.payment.confirmed", "pending", 1, premium.id],
      ["gateway.payment.success", "pending", 1, premium.id],
    ]);
    // After 12 failed attempts (about 5.5 hours of outage) the events are dead.
    await execute(
      "UPDATE event_outbox SET dead_at = ?, attempts = 12 WHERE message_key = ?",
      new Date().toISOString(),
      premium.policyNumber,
    );
    await refuseKafka(premium.policyNumber, false);
    const dead = (await (await operator("/ops/events?state=dead&limit=500")).json<any>()).data.events.filter(
      (e: any) => e.key === premium.policyNumber,
    );
    expect(dead).toHaveLength(2);
    expect(dead[0]).toMatchObject({
      state: "dead",
      lastError: expect.any(String),
      deadAt: expect.any(String),
      topic: `dev.${dead[0].type}`,
    });
    await runCron();
    expect(await kafkaRecords(premium.policyNumber)).toEqual([]); // dead stays dead until replayed

    const eventIds = dead.map((e: any) => e.eventId);
    // As many ids as the route takes (500), the dead ones last: D1 binds at most 100 values a statement.
    const unknown = Array.from({ length: 498 }, () => crypto.randomUUID());
    const replay = await operator("/ops/events/replay", { eventIds: [...unknown, ...eventIds] });
    expect(await replay.json()).toEqual({ success: true, data: { replayed: 2 } });
    await runCron();
    const published = await kafkaRecords(premium.policyNumber);
    expect(published.map((r) => r.value.eventId).sort()).toEqual([...eventIds].sort());
    expect((await operator("/ops/events/replay", { eventIds })).status).toBe(200); // published now: nothing to replay
  });

  it("refuses bad input with 400 and other scopes with 403", async () => {
    expect((await operator("/ops/events?state=lost")).status).toBe(400);
    expect((await operator("/ops/events/replay", { eventIds: [] })).status).toBe(400);
    expect((await operator("/ops/events/replay", { eventIds: ["not-a-uuid"] })).status).toBe(400);
    expect((await callGateway("/ops/events?state=dead", { token: await tokenFor(["payments:confirm"]) })).status).toBe(403);
  });
});

describe("/ops/payments/{paymentId}", () => {
  it("shows the premium, its payment, the QR reports with AMK's replies, and its events with their state", async () => {
    const premium = await paidPremium();
    expect((await sendWebhook(khqrWebhookFor(premium))).status).toBe(200);
    const story = await (await operator(`/ops/payments/${premium.id}`)).json<any>();
    expect(story.data).toMatchObject({
      paymentId: premium.id,
      premium: { id: premium.id, policyNumber: premium.policyNumber, amount: 150, currency: "USD" },
      payment: { channel: "KHQR", transactionId: `AMK_KHQR_${premium.id}`, amount: 150, currency: "USD" },
      receipts: [{ source: "WEBHOOK", outcome: "CONFIRMED", verifyReply: expect.stringContaining("SUCCESS") }],
      exceptions: [],
    });
    expect(story.data.events.map((e: any) => [e.type, e.state]).sort()).toEqual([
      ["gateway.payment.success", "published"],
      ["gateway.payment.verified", "published"],
    ]);
    expect((await operator("/ops/payments/999999999999")).status).toBe(404);
    expect((await operator("/ops/payments/abc")).status).toBe(400);
  });
});
