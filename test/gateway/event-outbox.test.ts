import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, refuseKafka, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { execute, queryRows } from "../support/records.ts";

async function runCron() {
  const ctx = createExecutionContext();
  await gateway.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("event outbox", () => {
  it(
    "answers the bank without waiting on Kafka, keeps the events while Kafka refuses, and the cron drain publishes them later",
    { timeout: 60_000 },
    async () => {
      const premium = await seedPremium();
      await refuseKafka(premium.policyNumber, true);
      const request = new Request("https://gateway.test/AMK/payments", {
        method: "POST",
        headers: { authorization: `Bearer ${await tokenFor(["payments:confirm"])}`, "content-type": "application/json" },
        body: JSON.stringify(billConfirmationFor(premium)),
      });
      const ctx = createExecutionContext();
      const started = Date.now();
      const response = await gateway.fetch(request, env, ctx);
      const answeredInMs = Date.now() - started;
      expect(response.status).toBe(200);
      // @upstash/kafka retries a refused produce for about 15 s; the answer must not wait for that.
      expect(answeredInMs).toBeLessThan(3_000);
      await waitOnExecutionContext(ctx);
      expect(await kafkaRecords(premium.policyNumber)).toEqual([]);
      const pending = await queryRows<{ type: string; attempts: number; last_error: string | null; published_at: string | null }>(
        "SELECT type, attempts, last_error, published_at FROM event_outbox WHERE message_key = ? ORDER BY type",
        premium.policyNumber,
      );
      expect(pending).toEqual([
        { type: "gateway.payment.confirmed", attempts: 1, last_error: "broker unavailable", published_at: null },
        { type: "gateway.payment.success", attempts: 1, last_error: "broker unavailable", published_at: null },
      ]);

      await refuseKafka(premium.policyNumber, false);
      // Make the retry due now instead of after its backoff.
      await execute("UPDATE event_outbox SET next_attempt_at = ? WHERE message_key = ?", new Date(0).toISOString(), premium.policyNumber);
      await runCron();
      const records = await kafkaRecords(premium.policyNumber);
      expect(records.map((r) => r.topic).sort()).toEqual(["dev.gateway.payment.confirmed", "dev.gateway.payment.success"]);
    },
  );

  it("does not publish an event twice when the drain runs after the request published it", async () => {
    const premium = await seedPremium();
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    await runCron();
    await runCron();
    expect(await kafkaRecords(premium.policyNumber)).toHaveLength(2);
  });
});
