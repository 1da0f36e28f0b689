import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { toMoney } from "#shared/payments/money.ts";
import { receiveBillConfirmation, type BillConfirmation } from "#shared/payments/confirm-bill-payment.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import type { Premium } from "#shared/payments/premium.ts";
import { coreWorld, premiumDue, refusal, type CoreWorld } from "./world.ts";

function confirmationOf(premium: Premium, overrides: Partial<BillConfirmation> = {}): BillConfirmation {
  return {
    paymentId: premium.id,
    policyNumber: premium.policyNumber,
    money: premium.money,
    bankTransactionId: `AMK${premium.id}`,
    payer: premium.payer,
    paidAt: "2026-03-01T02:59:00.000Z",
    ...overrides,
  };
}

function confirm(world: CoreWorld, confirmation: BillConfirmation, requestId = "req-1") {
  return receiveBillConfirmation(world, confirmation, { input: confirmation, requestId });
}

Deno.test("a bill payment that matches the premium is recorded once, with its confirmed and success events", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber);
  const answered = await confirm(world, confirmationOf(premium));
  equal(answered.answer.status, 200);
  equal(answered.replayed, false);
  deepStrictEqual(JSON.parse(answered.answer.body).data, {
    transactionId: `AMK${premium.id}`,
    paymentReferenceId: String(premium.id),
    status: "CONFIRMED",
    message: "Payment successfully processed",
  });
  equal(world.records.payments.get(premium.id)?.channel, "BILL");
  const types = [...world.records.outboxRows.values()].map((r) => r.event.type).sort();
  deepStrictEqual(types, ["gateway.payment.confirmed", "gateway.payment.success"]);
  equal(answered.eventIds.length, 2);
});

Deno.test("the same confirmation again is replayed; other content under the same transaction id is a conflict", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const first = await confirm(world, confirmationOf(premium));
  const again = await confirm(world, confirmationOf(premium), "req-2");
  equal(again.replayed, true);
  equal(again.answer.body, first.answer.body);
  deepStrictEqual(again.eventIds, []);
  const conflict = await refusal(confirm(world, confirmationOf(premium, { payer: "Someone Else" })));
  equal(conflict.code, "DUPLICATE_TRANSACTION");
  equal(world.records.outboxRows.size, 2);
});

Deno.test("a mismatch with the premium is refused with the differing fields, and the refusal is kept", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const wrong = confirmationOf(premium, { money: toMoney(89.49, "USD") });
  const error = await refusal(confirm(world, wrong));
  equal(error.code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  equal(error.details, "Differs in: amount");
  const replay = await confirm(world, wrong, "req-2");
  equal(replay.replayed, true);
  equal(replay.answer.status, 422);
  equal(world.records.payments.size, 0);
});

Deno.test("a second payment of a paid premium is 409, flagged once as a DUPLICATE_PAYMENT exception with its event", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await confirm(world, confirmationOf(premium));
  const second = confirmationOf(premium, { bankTransactionId: "AMK-OTHER" });
  const error = await refusal(confirm(world, second));
  equal(error.code, "DUPLICATE_TRANSACTION");
  equal(world.records.payments.size, 1);
  deepStrictEqual(
    world.records.exceptions.map((e) => [e.kind, e.channel, e.transactionId, e.money.minor]),
    [["DUPLICATE_PAYMENT", "BILL", "AMK-OTHER", 8950]],
  );
  const types = [...world.records.outboxRows.values()].map((r) => r.event.type);
  equal(types.filter((t) => t === "gateway.payment.exception").length, 1);
  // The bank's retry of the refused payment: replayed, nothing added.
  equal((await confirm(world, second, "req-3")).replayed, true);
  equal(world.records.exceptions.length, 1);
  equal(world.records.outboxRows.size, 3);
});

Deno.test("an unknown premium is 404; an inquiry for a paid premium is 404 too", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  world.premiums.premiums.delete(premium.policyNumber);
  equal((await refusal(confirm(world, confirmationOf(premium)))).code, "RESOURCE_NOT_FOUND");
  const paid = premiumDue(world);
  await confirm(world, confirmationOf(paid));
  const inquiry = await refusal(inquirePremium(world, paid.policyNumber));
  equal(inquiry.code, "RESOURCE_NOT_FOUND");
  ok(inquiry.details?.includes("bill payment"));
});

Deno.test("a 5xx is never kept: the bank's retry succeeds once the store is back", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const commit = world.records.commit.bind(world.records);
  world.records.commit = () => Promise.reject(new Error("store down"));
  const error = await refusal(confirm(world, confirmationOf(premium)));
  equal(error.code, "INTERNAL_ERROR");
  world.records.commit = commit;
  equal((await confirm(world, confirmationOf(premium))).answer.status, 200);
});

Deno.test(
  "a second bill payment of a paid premium is flagged with the money the bank reported, even once the premium is no longer offered",
  async () => {
    const world = coreWorld();
    const premium = premiumDue(world);
    // Confirmed without an inquiry first: the premium comes from the Integration Service and is written with its payment.
    equal((await confirm(world, confirmationOf(premium))).answer.status, 200);
    deepStrictEqual(await world.records.findPremium(premium.id), premium);

    // The Integration Service has learned of the payment and offers the premium no more.
    world.premiums.premiums.delete(premium.policyNumber);
    const second = confirmationOf(premium, { bankTransactionId: "AMK-SECOND" });
    const error = await refusal(confirm(world, second, "req-2"));
    equal(error.code, "DUPLICATE_TRANSACTION");
    equal(error.status, 409);

    // Or offers the policy's next premium at another amount: the second payment's own money is flagged.
    world.premiums.premiums.set(premium.policyNumber, { ...premium, id: premium.id + 1, money: toMoney(120, "USD") });
    const third = confirmationOf(premium, { bankTransactionId: "AMK-THIRD", money: toMoney(95.25, "USD") });
    equal((await refusal(confirm(world, third, "req-3"))).code, "DUPLICATE_TRANSACTION");

    deepStrictEqual(
      world.records.exceptions.map((e) => [e.kind, e.paymentId, e.transactionId, e.money.minor]),
      [
        ["DUPLICATE_PAYMENT", premium.id, "AMK-SECOND", 8950],
        ["DUPLICATE_PAYMENT", premium.id, "AMK-THIRD", 9525],
      ],
    );
    equal(world.records.payments.size, 1);
    // The bank's retries are replayed, flag nothing more.
    equal((await confirm(world, second, "req-4")).replayed, true);
    equal((await confirm(world, third, "req-5")).replayed, true);
    equal(world.records.exceptions.length, 2);
  },
);

Deno.test("a confirmation naming a paid premium under another policy number is refused as before, not flagged", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await confirm(world, confirmationOf(premium));
  world.premiums.premiums.delete(premium.policyNumber);
  const stray = confirmationOf(premium, { bankTransactionId: "AMK-STRAY", policyNumber: "P999999999" });
  equal((await refusal(confirm(world, stray, "req-2"))).code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  equal(world.records.exceptions.length, 0);
});
