import { deepStrictEqual, equal } from "node:assert/strict";
import { toMoney } from "#shared/money.ts";
import { paymentEvents } from "#shared/events/payment-events.ts";
import { coreWorld } from "./world.ts";

function payment(policyNumber: string, paymentId: number) {
  return { paymentId, policyNumber, money: toMoney(10, "USD"), channel: "BILL" as const, transactionId: `T${paymentId}`, paidAt: "x" };
}

Deno.test("delivery publishes due events once, under the prefix, keyed by policy; a refusal is retried after its backoff", async () => {
  const world = coreWorld();
  const events = paymentEvents(payment("P000000001", 1), "2026-03-01T03:00:00.000Z");
  await world.records.commit({ payment: payment("P000000001", 1), events }, world.clock.now());
  world.publisher.refusedKeys.add("P000000001");
  deepStrictEqual(await world.deliver(), { published: 0, failed: 2 });
  world.publisher.refusedKeys.clear();
  deepStrictEqual(await world.deliver(), { published: 0, failed: 0 }); // backing off
  world.clock.advance(30_000);
  deepStrictEqual(await world.deliver(), { published: 2, failed: 0 });
  deepStrictEqual(await world.deliver(), { published: 0, failed: 0 });
  deepStrictEqual(world.publisher.published.map((r) => [r.topic, r.key]).sort(), [
    ["dev.gateway.payment.confirmed", "P000000001"],
    ["dev.gateway.payment.success", "P000000001"],
  ]);
  equal(world.publisher.published[0]?.eventId, world.publisher.published[0]?.value.eventId);
});
