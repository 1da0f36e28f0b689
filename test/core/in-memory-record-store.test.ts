import { equal } from "node:assert/strict";
import { paymentEvents } from "#shared/events/payment-events.ts";
import { toMoney } from "#shared/payments/money.ts";
import { MAX_PUBLISH_ATTEMPTS } from "#shared/payments/deliver-events.ts";
import { InMemoryRecordStore } from "#shared/payments/in-memory/record-store.ts";

const now = new Date("2026-03-01T00:00:00.000Z");
const payment = (paymentId: number, transactionId: string) => ({
  paymentId,
  policyNumber: "P000000001",
  money: toMoney(1, "USD"),
  channel: "BILL" as const,
  transactionId,
  paidAt: now.toISOString(),
});

Deno.test("one payment per premium and one use of a transaction id; a refused unit writes nothing", async () => {
  const store = new InMemoryRecordStore();
  equal(await store.commit({ payment: payment(1, "T1"), events: paymentEvents(payment(1, "T1"), "t") }, now), "committed");
  equal(await store.commit({ payment: payment(1, "T2"), events: paymentEvents(payment(1, "T2"), "t") }, now), "payment-taken");
  equal(await store.commit({ payment: payment(2, "T1"), events: paymentEvents(payment(2, "T1"), "t") }, now), "payment-taken");
  equal(store.payments.size, 1);
  equal(store.outboxRows.size, 2);
});

Deno.test("claims are leased, and an event whose attempts ran out without an outcome is dead-lettered", async () => {
  const store = new InMemoryRecordStore();
  await store.commit({ events: paymentEvents(payment(1, "T1"), "t") }, now);
  equal((await store.outbox.claimDue(now, { limit: 10 })).length, 2);
  equal((await store.outbox.claimDue(now, { limit: 10 })).length, 0);
  for (const row of store.outboxRows.values()) Object.assign(row, { attempts: MAX_PUBLISH_ATTEMPTS, leaseUntil: null });
  equal((await store.outbox.claimDue(now, { limit: 10 })).length, 0);
  for (const row of store.outboxRows.values()) equal(row.lastError, "no outcome reported for the last attempt");
});
