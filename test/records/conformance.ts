// The RecordStore contract (shared/payments/ports.ts) as one list of cases, run against every store:
// in memory under Deno (test/core/record-store-conformance.test.ts), D1 and PostgreSQL in workerd
// (test/records/record-store-conformance.test.ts). The cases go through the port only, and each
// works on its own premiums and its own stretch of time, so they hold on a store other cases share.
import type { PaymentEvent } from "#shared/events/payment-events.ts";
import { MAX_PUBLISH_ATTEMPTS, retryDelayMs } from "#shared/payments/deliver-events.ts";
import type { PaymentBooking, QrIssuance, RecordStore, UnitOfWork } from "#shared/payments/ports.ts";
import type { Premium } from "#shared/payments/premium.ts";

/** How a runner declares one case (vitest's `it`, or a `Deno.test` wrapper). */
export type DefineCase = (name: string, run: () => Promise<void>) => void;

const MINUTE = 60_000;
const money = { minor: 15_000, currency: "USD" as const };

/** Premium ids no other case (nor another run on the same database) uses. */
let nextId = 700_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
const freshId = () => ++nextId;

/** A stretch of time of the case's own, far from every other case's. */
let nextEpoch = Date.parse("2031-01-01T00:00:00Z") + Math.floor(Math.random() * 10_000) * 24 * 60 * MINUTE;
function freshTime() {
  nextEpoch += 30 * 24 * 60 * MINUTE;
  const now = new Date(nextEpoch);
  return { now, at: (minutes: number) => new Date(now.getTime() + minutes * MINUTE) };
}

const premium = (id: number): Premium => ({ id, policyNumber: `P${id}`, payer: "Sok Dara", money, dueDate: "2031-01-31" });
const payment = (paymentId: number, transactionId: string, paidAt: Date): PaymentBooking => ({
  paymentId,
  policyNumber: `P${paymentId}`,
  money,
  channel: "BILL",
  transactionId,
  paidAt: paidAt.toISOString(),
});
const event = (paymentId: number): PaymentEvent => ({
  eventId: crypto.randomUUID(),
  type: "gateway.payment.success",
  key: `P${paymentId}`,
  paymentId,
  value: { paymentId },
});
function qr(paymentId: number, issuedAt: Date, expiresAt: Date): QrIssuance {
  const invoiceNumber = String(paymentId);
  return {
    qrId: `${invoiceNumber}@${issuedAt.toISOString()}/${crypto.randomUUID().slice(0, 8)}`,
    invoiceNumber,
    paymentId,
    policyNumber: `P${paymentId}`,
    money,
    bankCode: "AMK",
    qrString: `qr-${issuedAt.getTime()}`,
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
}
const exception = (paymentId: number, transactionId: string) => ({
  exceptionId: crypto.randomUUID(),
  kind: "DUPLICATE_PAYMENT" as const,
  paymentId,
  policyNumber: `P${paymentId}`,
  channel: "BILL" as const,
  transactionId,
  money,
});

async function committed(store: RecordStore, work: UnitOfWork, now: Date) {
  equal(await store.commit(work, now), "committed");
}

// Assertions of its own: the same file runs under Deno and in workerd, with no test library in common.
/** A value as canonical JSON: keys sorted, undefined left out (a row's absent column reads as undefined). */
const show = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  ) ?? "undefined";
function equal(actual: unknown, expected: unknown): void {
  if (!Object.is(actual, expected)) throw new Error(`expected ${show(expected)}, got ${show(actual)}`);
}
function deepEqual(actual: unknown, expected: unknown): void {
  if (show(actual) !== show(expected)) throw new Error(`expected ${show(expected)}, got ${show(actual)}`);
}
function ok(value: boolean, message = "expected true"): void {
  if (!value) throw new Error(message);
}

export function recordStoreConformance(makeStore: () => RecordStore | Promise<RecordStore>, test: DefineCase): void {
  test("a unit of work is all or nothing: a refused payment leaves neither its premium, receipt nor events", async () => {
    const store = await makeStore();
    const { now } = freshTime();
    const id = freshId();
    const other = freshId();
    await committed(store, { payment: payment(id, `T${id}`, now), events: [event(id)] }, now);
    const refused: UnitOfWork = {
      premium: premium(other),
      payment: { ...payment(id, `T${other}`, now) },
      receipt: {
        source: "WEBHOOK",
        invoiceNumber: String(id),
        status: "SUCCESS",
        merchantNumber: "M1",
        paidAmount: 150,
        currency: "USD",
        paidDatetime: "2031-01-01 07:00:00",
        outcome: "CONFIRMED",
        requestId: "r1",
      },
      events: [event(id)],
    };
    equal(await store.commit(refused, now), "payment-taken");
    equal(await store.findPremium(other), null);
    const history = await store.history(id);
    equal(history.receipts.length, 0);
    equal(history.events.length, 1);
    equal(history.payment?.transactionId, `T${id}`);
    equal(history.payment?.confirmedAt, now.toISOString());
  });

  test("one payment per premium and one use of a transaction id", async () => {
    const store = await makeStore();
    const { now } = freshTime();
    const [a, b] = [freshId(), freshId()];
    await committed(store, { payment: payment(a, `T${a}`, now), events: [] }, now);
    equal(await store.commit({ payment: payment(a, `T${b}`, now), events: [] }, now), "payment-taken");
    equal(await store.commit({ payment: payment(b, `T${a}`, now), events: [] }, now), "payment-taken");
    equal(await store.findPayment(b), null);
    await committed(store, { payment: payment(b, `T${b}`, now), events: [] }, now);
    const paid = await store.findPayment(b);
    deepEqual(paid?.money, money);
    equal(paid?.paidSecond, undefined);
  });

  test("a paid second is learnt once, for a payment booked without one", async () => {
    const store = await makeStore();
    const { now } = freshTime();
    const id = freshId();
    await committed(store, { payment: payment(id, `T${id}`, now), events: [] }, now);
    await committed(store, { learnPaidSecond: { paymentId: id, paidSecond: "2031-01-01T00:00:01Z" }, events: [] }, now);
    await committed(store, { learnPaidSecond: { paymentId: id, paidSecond: "2031-01-01T00:00:09Z" }, events: [] }, now);
    equal((await store.findPayment(id))?.paidSecond, "2031-01-01T00:00:01Z");
  });

  test("a premium served again keeps its record, updated", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    await committed(store, { premium: premium(id), events: [] }, now);
    await committed(store, { premium: { ...premium(id), dueDate: "2031-02-28" }, events: [] }, at(1));
    const found = await store.findPremium(id);
    equal(found?.id, id);
    equal(found?.dueDate, "2031-02-28");
    deepEqual(found?.money, money);
  });

  test("one exception per bank transaction (already-flagged), listed newest first with its resolutions", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    const first = exception(id, `X${id}`);
    await committed(store, { exception: first, events: [] }, now);
    equal(await store.commit({ exception: { ...exception(id, `X${id}`) }, events: [] }, now), "already-flagged");
    const second = exception(id, `Y${id}`);
    await committed(store, { exception: second, events: [] }, at(1));
    const found = await store.findException(first.exceptionId);
    equal(found?.transactionId, `X${id}`);
    deepEqual(found?.money, money);
    deepEqual(found?.resolutions ?? [], []);
    const listed = (await store.listExceptions(1000)).filter((e) => e.paymentId === id).map((e) => e.exceptionId);
    deepEqual(listed, [second.exceptionId, first.exceptionId]);
    equal(await store.findException(crypto.randomUUID()), null);
  });

  test("each resolution step is written once (resolution-taken), in step order", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    const flagged = exception(id, `X${id}`);
    await committed(store, { exception: flagged, events: [] }, now);
    const step = (n: number, resolution: "refund-requested" | "refunded") => ({
      exceptionId: flagged.exceptionId,
      step: n,
      resolution,
      note: `step ${n}`,
      resolvedBy: "ops@example.com",
    });
    await committed(store, { resolution: step(1, "refund-requested"), events: [event(id)] }, at(1));
    equal(await store.commit({ resolution: step(1, "refunded"), events: [event(id)] }, at(2)), "resolution-taken");
    await committed(store, { resolution: step(2, "refunded"), events: [] }, at(3));
    const found = await store.findException(flagged.exceptionId);
    deepEqual(
      found?.resolutions?.map((r) => [r.resolution, r.note, r.resolvedAt]),
      [
        ["refund-requested", "step 1", at(1).toISOString()],
        ["refunded", "step 2", at(3).toISOString()],
      ],
    );
    equal((await store.history(id)).events.length, 1);
  });

  test("a QR for a paid premium is refused by the write itself (payment-taken), its event with it", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    await committed(store, { premium: premium(id), payment: payment(id, `T${id}`, now), events: [] }, now);
    equal(await store.commit({ issuance: qr(id, now, at(10)), events: [event(id)] }, now), "payment-taken");
    equal(await store.findIssuance(String(id)), null);
    equal((await store.history(id)).events.length, 0);
  });

  test("a QR for a premium never offered under its policy is refused by the write itself (payment-taken)", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    equal(await store.commit({ issuance: qr(id, now, at(10)), events: [event(id)] }, now), "payment-taken");
    await committed(store, { premium: { ...premium(id), policyNumber: "OTHER0001" }, events: [] }, now);
    equal(await store.commit({ issuance: qr(id, now, at(10)), events: [event(id)] }, now), "payment-taken");
    equal(await store.findIssuance(String(id)), null);
    equal((await store.history(id)).events.length, 0);
  });

  test("every QR keeps its own row: latest, latest open, and the invoice's QRs newest first", async () => {
    const store = await makeStore();
    const { at } = freshTime();
    const id = freshId();
    const older = qr(id, at(0), at(10));
    const newer = qr(id, at(5), at(15));
    await committed(store, { premium: premium(id), issuance: older, events: [] }, at(0));
    await committed(store, { issuance: newer, events: [] }, at(5));
    equal((await store.findIssuance(String(id)))?.qrId, newer.qrId);
    equal((await store.findOpenIssuance(String(id)))?.qrId, newer.qrId);
    await committed(store, { resolveIssuance: newer.qrId, events: [] }, at(6));
    equal((await store.findIssuance(String(id)))?.resolvedAt, at(6).toISOString());
    equal((await store.findOpenIssuance(String(id)))?.qrId, older.qrId);
    const invoice = await store.findInvoice(String(id));
    deepEqual(
      invoice.issuances.map((i) => i.qrId),
      [newer.qrId, older.qrId],
    );
    equal(invoice.premium?.id, id);
    equal(invoice.issuances[1]?.expiresAt, older.expiresAt);
    deepEqual(invoice.issuances[1]?.money, money);
    const history = await store.history(id);
    equal(history.issuance?.qrId, newer.qrId);
    deepEqual(
      history.issuances.map((i) => i.qrId),
      [newer.qrId, older.qrId],
    );
    deepEqual(await store.findInvoice(String(freshId())), { issuances: [], premium: null });
  });

  test("reconciliation claims expired QRs owing their check first, then never checked, then rechecks; each once", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const query = (limit: number, at: Date) => ({
      issuedAfter: new Date(at.getTime() - 24 * 60 * MINUTE),
      issuedBefore: new Date(at.getTime() - 2 * MINUTE),
      expiredAfter: new Date(at.getTime() - 60 * MINUTE),
      checkedBefore: new Date(at.getTime() - 5 * MINUTE),
      limit,
    });
    const recheck = qr(freshId(), at(-40), at(5));
    const offered = (issuance: QrIssuance) => ({ premium: premium(issuance.paymentId), issuance, events: [] });
    await committed(store, offered(recheck), at(-40));
    deepEqual(
      (await store.claimOpenIssuances(query(10, at(-30)), at(-30))).map((q) => q.qrId),
      [recheck.qrId],
    );
    const expired = qr(freshId(), at(-50), at(-20));
    const fresh = qr(freshId(), at(-10), at(10));
    await committed(store, offered(expired), at(-50));
    await committed(store, offered(fresh), at(-10));
    const order: string[] = [];
    for (
      let claimed = await store.claimOpenIssuances(query(1, now), now);
      claimed.length > 0;
      claimed = await store.claimOpenIssuances(query(1, now), now)
    ) {
      order.push(...claimed.map((q) => q.qrId));
    }
    deepEqual(order, [expired.qrId, fresh.qrId, recheck.qrId]);
    deepEqual(await store.claimOpenIssuances(query(10, now), now), []);
    // Given back: the check before the claim stands again (the recheck's, the fresh one's none).
    await store.returnIssuances([fresh.qrId, recheck.qrId]);
    deepEqual((await store.claimOpenIssuances(query(10, now), now)).map((q) => q.qrId).sort(), [fresh.qrId, recheck.qrId].sort());
    await store.returnIssuances([]);
  });

  test("a QR that left the window owing its check after expiry is closed once", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const unchecked = qr(freshId(), at(-200), at(-90));
    const inWindow = qr(freshId(), at(-100), at(-30));
    for (const [issuance, minutes] of [
      [unchecked, -200],
      [inWindow, -100],
    ] as const)
      await committed(store, { premium: premium(issuance.paymentId), issuance, events: [] }, at(minutes));
    const query = { issuedAfter: at(-24 * 60), expiredBefore: at(-60), limit: 100 };
    deepEqual(
      (await store.closeUncheckedIssuances(query, now)).map((q) => q.qrId),
      [unchecked.qrId],
    );
    deepEqual(await store.closeUncheckedIssuances(query, now), []);
    equal(await store.findOpenIssuance(unchecked.invoiceNumber), null);
    equal((await store.findIssuance(unchecked.invoiceNumber))?.resolvedAt, now.toISOString());
    equal((await store.findOpenIssuance(inWindow.invoiceNumber))?.qrId, inWindow.qrId);
  });

  test("the outbox leases a claim: claimed once until the lease runs out, then again with the attempt counted", async () => {
    const store = await makeStore();
    const { now, at } = freshTime();
    const id = freshId();
    const events = [event(id), event(id)];
    await committed(store, { payment: payment(id, `T${id}`, now), events }, now);
    const eventIds = events.map((e) => e.eventId);
    const claimed = await store.outbox.claimDue(now, { eventIds, limit: 10 });
    deepEqual(
      claimed.map((e) => e.attempts),
      [1, 1],
    );
    deepEqual(claimed.map((e) => e.eventId).sort(), [...eventIds].sort());
    deepEqual(claimed[0]?.value, { paymentId: id });
    equal(claimed[0]?.key, `P${id}`);
    deepEqual(await store.outbox.claimDue(at(0.5), { eventIds, limit: 10 }), []);
    deepEqual(
      (await store.outbox.claimDue(at(1.01), { eventIds, limit: 1 })).map((e) => e.attempts),
      [2],
    );
    await store.outbox.markPublished(eventIds, at(2));
    deepEqual(await store.outbox.claimDue(at(10), { eventIds, limit: 10 }), []);
    deepEqual(
      (await store.history(id)).events.map((e) => [e.state, e.publishedAt]),
      [
        ["published", at(2).toISOString()],
        ["published", at(2).toISOString()],
      ],
    );
  });

  test("a failed publish waits out its backoff, and the last attempt's failure dead-letters the event", async () => {
    const store = await makeStore();
    let { now } = freshTime();
    const id = freshId();
    const published = event(id);
    await committed(store, { events: [published] }, now);
    const eventIds = [published.eventId];
    for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
      const [entry] = await store.outbox.claimDue(now, { eventIds, limit: 10 });
      equal(entry?.attempts, attempt);
      await store.outbox.markFailed(entry!, `broker down ${attempt}`, now);
      if (attempt < MAX_PUBLISH_ATTEMPTS) {
        deepEqual(await store.outbox.claimDue(new Date(now.getTime() + retryDelayMs(attempt) - 1), { eventIds, limit: 10 }), []);
        now = new Date(now.getTime() + retryDelayMs(attempt));
      }
    }
    deepEqual(await store.outbox.claimDue(new Date(now.getTime() + 24 * 60 * MINUTE), { eventIds, limit: 10 }), []);
    const dead = (await store.outbox.list("dead", 1000)).find((e) => e.eventId === published.eventId);
    equal(dead?.state, "dead");
    equal(dead?.lastError, `broker down ${MAX_PUBLISH_ATTEMPTS}`);
    equal(dead?.deadAt, now.toISOString());
    ok(!(await store.outbox.list("pending", 1000)).some((e) => e.eventId === published.eventId));

    // Replayed: due again at once with fresh attempts, the same event id; a second replay finds nothing dead.
    equal(await store.outbox.replay(eventIds, now), 1);
    equal(await store.outbox.replay(eventIds, now), 0);
    equal(await store.outbox.replay([], now), 0);
    deepEqual(
      (await store.outbox.claimDue(now, { eventIds, limit: 10 })).map((e) => [e.eventId, e.attempts]),
      [[published.eventId, 1]],
    );
  });

  test("an event whose last attempt never reported back is dead-lettered by the next claim", async () => {
    const store = await makeStore();
    let { now } = freshTime();
    const lost = event(freshId());
    await committed(store, { events: [lost] }, now);
    const eventIds = [lost.eventId];
    for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
      await store.outbox.claimDue(now, { eventIds, limit: 10 });
      if (attempt < MAX_PUBLISH_ATTEMPTS) await store.outbox.markFailed({ ...lost, value: {}, attempts: attempt }, "down", now);
      now = new Date(now.getTime() + 2 * 60 * MINUTE);
    }
    deepEqual(await store.outbox.claimDue(now, { eventIds, limit: 10 }), []);
    const dead = (await store.outbox.list("dead", 1000)).find((e) => e.eventId === lost.eventId);
    equal(dead?.lastError, "down");
  });

  test("released events are due again at once, their claim's attempt not counted; a published one is left alone", async () => {
    const store = await makeStore();
    const { now } = freshTime();
    const id = freshId();
    const events = Array.from({ length: 3 }, () => event(id));
    await committed(store, { events }, now);
    const eventIds = events.map((e) => e.eventId);
    equal((await store.outbox.claimDue(now, { eventIds, limit: 10 })).length, 3);
    await store.outbox.markPublished([eventIds[0]!], now);
    await store.outbox.release(eventIds);
    await store.outbox.release([]);
    const again = await store.outbox.claimDue(now, { eventIds, limit: 10 });
    deepEqual(
      again.map((e) => e.attempts),
      [1, 1],
    );
    ok(!again.some((e) => e.eventId === eventIds[0]));
  });

  test("the outbox lists pending events oldest first, with what operators need (written leased to their writer: one attempt)", async () => {
    const store = await makeStore();
    const { at } = freshTime();
    const id = freshId();
    const [first, second] = [event(id), event(id)];
    await committed(store, { events: [first] }, at(0));
    await committed(store, { events: [second] }, at(1));
    const pending = (await store.outbox.list("pending", 100_000)).filter((e) => e.paymentId === id);
    deepEqual(
      pending.map((e) => [e.eventId, e.state, e.attempts, e.createdAt, e.nextAttemptAt, e.type, e.key]),
      [
        [first.eventId, "pending", 1, at(0).toISOString(), at(0).toISOString(), first.type, first.key],
        [second.eventId, "pending", 1, at(1).toISOString(), at(1).toISOString(), second.type, second.key],
      ],
    );
  });
}
