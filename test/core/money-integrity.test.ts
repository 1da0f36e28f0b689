// The money-integrity guarantees on the in-memory ports: booked or flagged, never dropped; no
// answer wrong forever; one bad event never holds the others.
import { deepStrictEqual, equal } from "node:assert/strict";
import { CircuitBreaker } from "#shared/platform/circuit-breaker.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { toMoney } from "#shared/payments/money.ts";
import { receiveBillConfirmation, type BillConfirmation } from "#shared/payments/confirm-bill-payment.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import { reconcileKhqrPayments } from "#shared/payments/reconcile-khqr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import type { Premium } from "#shared/payments/premium.ts";
import { coreWorld, issued, paidAtAmk, premiumDue, refusal, send, webhookFor, type CoreWorld } from "./world.ts";

function billFor(premium: Premium, transactionId = `AMK${premium.id}`): BillConfirmation {
  return {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    money: premium.money,
    bankTransactionId: transactionId,
    payer: premium.payer,
    paidAt: "2026-03-01T02:59:00.000Z",
  };
}

const confirmBill = (world: CoreWorld, bill: BillConfirmation) => receiveBillConfirmation(world, bill, { input: bill, requestId: "req" });
const exceptionKinds = (world: CoreWorld) => world.records.exceptions.map((e) => [e.kind, e.channel, e.money.minor]);
const exceptionEvents = (world: CoreWorld) =>
  [...world.records.outboxRows.values()].filter((r) => r.event.type === "gateway.payment.exception");

Deno.test("bill and KHQR payments of one premium at the same moment: one payment, one 409, one exception; retries add none", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium);
  const [bill, khqr] = await Promise.all([confirmBill(world, billFor(premium)), send(world, webhookFor(premium))]);
  deepStrictEqual([bill.answer.status, khqr.answer.status].sort(), [200, 409]);
  equal(world.records.payments.size, 1);
  equal(world.records.exceptions.length, 1);
  equal(exceptionEvents(world).length, 1);
  const loserRetry = bill.answer.status === 409 ? await confirmBill(world, billFor(premium)) : await send(world, webhookFor(premium));
  equal(loserRetry.answer.status, 409);
  equal(world.records.exceptions.length, 1);
  equal(exceptionEvents(world).length, 1);
});

Deno.test("a QR paid after a bill payment is found by reconciliation and flagged", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
  paidAtAmk(world, premium);
  world.clock.advance(3 * 60_000);
  await reconcileKhqrPayments(world);
  deepStrictEqual(exceptionKinds(world), [["DUPLICATE_PAYMENT", "KHQR", 8950]]);
  world.clock.advance(10 * 60_000);
  equal((await reconcileKhqrPayments(world)).checked, 0); // settled: not asked again
});

Deno.test("AMK verifying another amount is refused and flagged with AMK's amount", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium, toMoney(80, "USD"));
  equal((await refusal(send(world, webhookFor(premium)))).code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  deepStrictEqual(exceptionKinds(world), [["AMOUNT_MISMATCH", "KHQR", 8000]]);
  equal(exceptionEvents(world)[0]?.event.value.amount, 80);
});

Deno.test("a refused webhook followed by a correct one for the same invoice confirms", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium);
  const wrong = webhookFor(premium, { money: toMoney(1, "USD") });
  equal((await refusal(send(world, wrong))).code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  equal((await send(world, wrong)).replayed, true);
  equal((await send(world, webhookFor(premium))).answer.status, 200);
  equal(world.records.payments.size, 1);
});

Deno.test("after a payment the policy's next premium is offered at once", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber); // cached
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
  const next = { ...premium, id: premium.id + 1_000, dueDate: "2026-04-15" };
  world.premiums.premiums.set(premium.policyNumber, next);
  equal((await inquirePremium(world, premium.policyNumber)).id, next.id);
});

Deno.test("the cache mark and the kept answer are not on the answer's path, and the bank's retry redoes what a crash lost", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber); // cached
  const deferred: Promise<unknown>[] = [];
  const answered = await receiveBillConfirmation({ ...world, later: (work) => deferred.push(work) }, billFor(premium), {
    input: billFor(premium),
    requestId: "req",
  });
  equal(answered.answer.status, 200);
  equal(deferred.length, 2); // the cache mark and the kept answer: handed to the platform, finished after the answer
  await Promise.all(deferred);
  equal(await world.cache.current(premium.policyNumber), null);

  // The worker stopped after the commit: neither the mark nor the kept answer survived.
  world.cache.paid.delete(premium.id);
  world.idempotency.entries.clear();
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
  equal(world.records.payments.size, 1);
  equal(await world.cache.current(premium.policyNumber), null);
});

Deno.test("a booked bill payment whose kept answer was lost is confirmed again, though its premium is no longer offered", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);

  // The kept answer is lost (a failed settle, a crash before it), and by the bank's retry the
  // Integration Service has learned of the payment: it offers that policy's premium no more.
  world.idempotency.entries.clear();
  world.premiums.premiums.delete(premium.policyNumber);
  const retry = await confirmBill(world, billFor(premium));
  equal(retry.answer.status, 200);
  equal(JSON.parse(retry.answer.body).data.status, "CONFIRMED");
  deepStrictEqual(retry.eventIds, []);
  equal(world.records.payments.size, 1);
  equal(world.records.outboxRows.size, 2);

  // Or it offers the policy's next premium, at another amount: still the same booked payment.
  world.idempotency.entries.clear();
  world.premiums.premiums.set(premium.policyNumber, { ...premium, id: premium.id + 1, money: toMoney(120, "USD") });
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);

  // Another amount under the booked transaction id is not that payment: refused as before.
  world.idempotency.entries.clear();
  const other = { ...billFor(premium), money: toMoney(88, "USD") };
  equal((await refusal(confirmBill(world, other))).code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  equal(world.records.payments.size, 1);
});

Deno.test("'not found' is never kept: the bank's retry confirms once the Integration Service knows the premium", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  world.premiums.premiums.delete(premium.policyNumber);
  equal((await refusal(confirmBill(world, billFor(premium)))).code, "RESOURCE_NOT_FOUND");
  world.premiums.premiums.set(premium.policyNumber, premium);
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
});

Deno.test("an event Kafka keeps refusing does not delay or repeat the next payment's events", async () => {
  const world = coreWorld();
  const stuck = premiumDue(world);
  const next = premiumDue(world);
  world.publisher.refusedKeys.add(stuck.policyNumber);
  await confirmBill(world, billFor(stuck));
  await confirmBill(world, billFor(next));
  deepStrictEqual(await world.deliver(), { published: 2, failed: 2, released: 0 });
  deepStrictEqual(
    world.publisher.published.map((r) => r.key),
    [next.policyNumber, next.policyNumber],
  );
  world.clock.advance(30_000);
  deepStrictEqual(await world.deliver(), { published: 0, failed: 2, released: 0 });
  equal(world.publisher.published.length, 2);
});

Deno.test("a half-open circuit whose probe never reports back lets a new probe through after the open period", () => {
  const breaker = new CircuitBreaker({ threshold: 5, openMs: 30_000 });
  for (let i = 0; i < 5; i++) breaker.failed(0);
  equal(breaker.allows(30_000), true); // the probe's request is cancelled: no outcome ever
  equal(breaker.allows(59_999), false);
  equal(breaker.allows(60_000), true);
});

Deno.test("a store failure is SERVER_UNAVAILABLE-shaped, never kept", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const commit = world.records.commit.bind(world.records);
  world.records.commit = () => Promise.reject(new PaymentError("SERVER_UNAVAILABLE", "down"));
  equal((await refusal(confirmBill(world, billFor(premium)))).code, "SERVER_UNAVAILABLE");
  world.records.commit = commit;
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
});

Deno.test("a paid premium is never issued a QR, though this location's cache has not heard of the payment yet", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber); // cached here as unpaid
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
  world.cache.paid.delete(premium.id); // the paid mark has not reached this location

  // An app's inquiry may still be answered from the cache; the KHQR worker's (no `later`) asks the records.
  equal((await inquirePremium(world, premium.policyNumber, () => {})).id, premium.id);
  const refused = await refusal(inquirePremium(world, premium.policyNumber));
  equal(refused.code, "RESOURCE_NOT_FOUND");
  equal(refused.message, "This premium is already paid");
  equal(world.cache.paid.has(premium.id), true);

  // And the gateway refuses to record a QR for it, whoever asks.
  const recorded = await refusal(recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "000201010212" }));
  equal(recorded.code, "RESOURCE_NOT_FOUND");
  equal(await world.records.findIssuance(String(premium.id)), null);
});

Deno.test(
  "a payment reconciliation booked, paid again: the second webhook is flagged; the first's late webhook is the same payment",
  async () => {
    const world = coreWorld();
    const premium = await issued(world);
    // AMK verifies per invoice; it reports the first payment's time (10:00:00 GMT+7) until the second.
    paidAtAmk(world, premium);
    world.clock.advance(3 * 60_000);
    equal((await reconcileKhqrPayments(world)).confirmed, 1); // the first webhook was lost

    const late = webhookFor(premium, { paidAt: "2026-03-01T03:00:00.400Z" }); // the first payment's own webhook, at last
    equal((await send(world, late)).answer.status, 200);
    paidAtAmk(world, premium, premium.money, "2026-03-01 10:06:30");
    const second = webhookFor(premium, { paidAt: "2026-03-01T03:06:30.000Z" });
    equal((await refusal(send(world, second))).code, "DUPLICATE_TRANSACTION");
    deepStrictEqual(
      world.records.exceptions.map((e) => [e.kind, e.transactionId]),
      [["DUPLICATE_PAYMENT", `AMK_KHQR_${premium.id}@2026-03-01T03:06:30Z`]],
    );
    equal(world.records.payments.size, 1);
  },
);

Deno.test("a KHQR payment flagged by reconciliation and then by its own webhook is one exception", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  equal((await confirmBill(world, billFor(premium))).answer.status, 200);
  paidAtAmk(world, premium); // the QR was paid too, at 10:00:00 GMT+7; its webhook is late
  world.clock.advance(3 * 60_000);
  await reconcileKhqrPayments(world);
  const webhook = webhookFor(premium, { paidAt: "2026-03-01T03:00:00.123Z" });
  equal((await refusal(send(world, webhook))).code, "DUPLICATE_TRANSACTION");
  deepStrictEqual(
    world.records.exceptions.map((e) => [e.kind, e.channel, e.transactionId]),
    [["DUPLICATE_PAYMENT", "KHQR", `AMK_KHQR_${premium.id}@2026-03-01T03:00:00Z`]],
  );
  equal(exceptionEvents(world).length, 1);
});

Deno.test("reconciliation asks AMK about a re-issued QR, though an earlier QR of the invoice was flagged", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium, toMoney(1, "USD")); // the first QR paid with a wrong amount, its webhook lost
  world.clock.advance(3 * 60_000);
  await reconcileKhqrPayments(world);
  deepStrictEqual(
    world.records.exceptions.map((e) => e.kind),
    ["AMOUNT_MISMATCH"],
  );

  await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "000201010212-again" });
  paidAtAmk(world, premium); // the new QR paid in full, its webhook lost too
  world.clock.advance(3 * 60_000);
  world.verifier.asked.length = 0;
  const report = await reconcileKhqrPayments(world);
  deepStrictEqual([report.checked, report.confirmed, world.verifier.asked], [1, 1, [String(premium.id)]]);
  equal(world.records.payments.get(premium.id)?.channel, "KHQR");
});
