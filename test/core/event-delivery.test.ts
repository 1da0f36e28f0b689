import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { deliverEvents } from "#shared/payments/deliver-events.ts";
import { toMoney } from "#shared/payments/money.ts";
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
  deepStrictEqual(await world.deliver(), { published: 0, failed: 2, released: 0 });
  world.publisher.refusedKeys.clear();
  deepStrictEqual(await world.deliver(), { published: 0, failed: 0, released: 0 }); // backing off
  world.clock.advance(30_000);
  deepStrictEqual(await world.deliver(), { published: 2, failed: 0, released: 0 });
  deepStrictEqual(await world.deliver(), { published: 0, failed: 0, released: 0 });
  deepStrictEqual(world.publisher.published.map((r) => [r.topic, r.key]).sort(), [
    ["dev.gateway.payment.confirmed", "P000000001"],
    ["dev.gateway.payment.success", "P000000001"],
  ]);
  equal(world.publisher.published[0]?.eventId, world.publisher.published[0]?.value.eventId);
});

Deno.test("a run stops taking events when its time is up and gives the rest back uncounted: a slow broker gets nothing twice", async () => {
  const world = coreWorld();
  for (let id = 1; id <= 10; id += 1) {
    const paid = payment(`P10000000${String(id).padStart(2, "0")}`, 100 + id);
    await world.records.commit({ payment: paid, events: paymentEvents(paid, "2026-03-01T03:00:00.000Z") }, world.clock.now());
  }
  world.publisher.delayMs = 40;
  const limits = { takeForMs: 100, publishTimeoutMs: 1_000 };
  const deps = { outbox: world.records.outbox, publisher: world.publisher, topicPrefix: "dev.", clock: world.clock, limits };
  const first = await deliverEvents(deps);
  equal(first.failed, 0);
  ok(first.published > 0 && first.released > 0, JSON.stringify(first));
  equal(first.published + first.released, 20);
  equal(world.publisher.published.length, first.published);
  const given = await world.records.outbox.list("pending", 100);
  equal(given.length, first.released);
  ok(
    given.every((e) => e.attempts === 0 && e.lastError === null),
    "a released event keeps its attempts",
  );

  world.publisher.delayMs = 0;
  deepStrictEqual(await world.deliver(), { published: first.released, failed: 0, released: 0 });
  equal(new Set(world.publisher.published.map((r) => r.eventId)).size, 20);
  equal(world.publisher.published.length, 20);
});

Deno.test("a publish with no answer in time counts as failed and is retried after its backoff", async () => {
  const world = coreWorld();
  const paid = payment("P000000077", 77);
  await world.records.commit({ payment: paid, events: paymentEvents(paid, "2026-03-01T03:00:00.000Z") }, world.clock.now());
  world.publisher.delayMs = 200;
  const limits = { takeForMs: 1_000, publishTimeoutMs: 20 };
  const report = await deliverEvents({
    outbox: world.records.outbox,
    publisher: world.publisher,
    topicPrefix: "dev.",
    clock: world.clock,
    limits,
  });
  deepStrictEqual(report, { published: 0, failed: 2, released: 0 });
  const pending = await world.records.outbox.list("pending", 10);
  ok(
    pending.every((e) => e.attempts === 1 && /no answer within 20 ms/.test(e.lastError ?? "")),
    JSON.stringify(pending),
  );
  await new Promise((resolve) => setTimeout(resolve, 250));
});
