// The three Kafka REST flavors: each delivers the events, and a refusal the broker reports inside
// an HTTP 200 (a failed delivery report, an offset with an error code) is retried like a 5xx.
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { queryRows } from "../support/records.ts";
import { kafkaRecords, refuseKafka, seedPremium } from "../support/sandbox.ts";

const flavors = ["upstash", "confluent-v3", "rest-v2"] as const;

async function confirmWith(flavor: string) {
  const premium = await seedPremium();
  const answer = await callGateway("/AMK/payments", {
    method: "POST",
    body: billConfirmationFor(premium),
    env: { KAFKA_REST_FLAVOR: flavor } as Partial<Cloudflare.Env>,
  });
  expect(answer.status).toBe(200);
  return premium;
}

describe("Kafka REST flavors", () => {
  for (const flavor of flavors) {
    it(`${flavor}: publishes both events of a payment, keyed by policy number`, async () => {
      const premium = await confirmWith(flavor);
      const records = await kafkaRecords(premium.policyNumber);
      expect(records.map((r) => [r.topic, r.key, r.flavor]).sort()).toEqual([
        ["dev.gateway.payment.confirmed", premium.policyNumber, flavor],
        ["dev.gateway.payment.success", premium.policyNumber, flavor],
      ]);
      expect(records.every((r) => r.value.paymentId === premium.id)).toBe(true);
    });
  }

  for (const flavor of ["confluent-v3", "rest-v2"] as const) {
    it(`${flavor}: a failed delivery report in an HTTP 200 is not taken as delivered`, async () => {
      const premium = await seedPremium();
      await refuseKafka(premium.policyNumber, true, "delivery-report");
      const answer = await callGateway("/AMK/payments", {
        method: "POST",
        body: billConfirmationFor(premium),
        env: { KAFKA_REST_FLAVOR: flavor } as Partial<Cloudflare.Env>,
      });
      expect(answer.status).toBe(200);
      await refuseKafka(premium.policyNumber, false);
      const rows = await queryRows<{ published_at: string | null; attempts: number; last_error: string }>(
        "SELECT published_at, attempts, last_error FROM event_outbox WHERE message_key = ?",
        premium.policyNumber,
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ published_at: null, attempts: 1 });
        expect(row.last_error).toContain("50003");
      }
      expect(await kafkaRecords(premium.policyNumber)).toEqual([]);
    });
  }
});
