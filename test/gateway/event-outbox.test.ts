import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/gateway/src/index.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, refuseKafka, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { execute, queryRows, recordsStore } from "../support/records.ts";

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

  it("marks the events of payments confirmed together published in one write, not one write per payment", async () => {
    const premiums = await Promise.all(Array.from({ length: 6 }, () => seedPremium()));
    const token = await tokenFor(["payments:confirm"]);
    // The statements the gateway sends D1, seen at its binding (on PostgreSQL only the outcome is checked).
    const statements: string[] = [];
    const db = new Proxy(env.DB, {
      get: (target, name) =>
        name === "prepare"
          ? (sql: string) => (statements.push(sql), target.prepare(sql))
          : (Reflect.get(target, name) as (...args: unknown[]) => unknown).bind(target),
    });
    const contexts = premiums.map(() => createExecutionContext());
    const responses = await Promise.all(
      premiums.map((premium, i) =>
        gateway.fetch(
          new Request("https://gateway.test/AMK/payments", {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(billConfirmationFor(premium)),
          }),
          { ...env, DB: db },
          contexts[i]!,
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(premiums.map(() => 200));
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));
    const keys = premiums.map((p) => p.policyNumber);
    const marks = await queryRows<{ published_at: string | null }>(
      `SELECT published_at FROM event_outbox WHERE message_key IN (${keys.map(() => "?").join(", ")})`,
      ...keys,
    );
    // Every payment's two events published and marked, each once on Kafka.
    expect(marks).toHaveLength(12);
    expect(marks.filter((m) => m.published_at === null)).toEqual([]);
    for (const key of keys) expect(await kafkaRecords(key)).toHaveLength(2);
    if (recordsStore === "d1") {
      const markWrites = statements.filter((sql) => /^update "event_outbox" set .*"published_at" = /i.test(sql));
      expect(markWrites.length).toBeGreaterThan(0);
      expect(markWrites.length).toBeLessThan(premiums.length);
    }
  });

  it("does not publish an event twice when the drain runs after the request published it", async () => {
    const premium = await seedPremium();
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    await runCron();
    await runCron();
    expect(await kafkaRecords(premium.policyNumber)).toHaveLength(2);
  });
});
