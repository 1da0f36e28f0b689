import { deepStrictEqual, equal } from "node:assert/strict";
import { PaymentError } from "#shared/payments/errors.ts";
import { toMoney } from "#shared/payments/money.ts";
import { premiumForQr } from "#shared/payments/premium-for-qr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import { amkSays, coreWorld, issued, paidAtAmk, premiumDue, refusal, send, webhookFor } from "./world.ts";

Deno.test("a webhook AMK verifies is recorded once with its verified and success events and its receipt", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium);
  const answered = await send(world, webhookFor(premium));
  deepStrictEqual(JSON.parse(answered.answer.body).data, {
    transactionId: `AMK_KHQR_${premium.id}`,
    status: "CONFIRMED",
    message: "KHQR payment successfully processed",
  });
  equal(world.records.payments.get(premium.id)?.channel, "KHQR");
  deepStrictEqual(world.verifier.asked, [String(premium.id)]);
  deepStrictEqual(
    world.records.receipts.map((r) => r.outcome),
    ["CONFIRMED"],
  );
  const again = await send(world, webhookFor(premium));
  equal(again.replayed, true);
  deepStrictEqual(world.verifier.asked, [String(premium.id)]);
});

Deno.test("AMK's 'not confirmed yet' is not kept: the retry confirms once AMK has settled", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  amkSays(world, premium, new PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment"));
  equal((await refusal(send(world, webhookFor(premium)))).code, "TRANSACTION_VERIFY_FAILED");
  paidAtAmk(world, premium);
  equal((await send(world, webhookFor(premium))).replayed, false);
  equal(world.records.payments.size, 1);
});

Deno.test("the webhook is judged against the QR issued, and AMK must verify the same money", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium, toMoney(89.4, "USD"));
  const error = await refusal(send(world, webhookFor(premium)));
  equal(error.code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
  equal(error.details, "Differs in: amount");
  equal(world.records.payments.size, 0);
});

Deno.test("a foreign merchant is MERCHANT_NOT_BIND without asking AMK; a non-SUCCESS status is acknowledged", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  equal((await refusal(send(world, webhookFor(premium, { merchantNumber: "1" })))).code, "MERCHANT_NOT_BIND");
  const failed = await send(world, webhookFor(premium, { status: "FAILED" }));
  equal(JSON.parse(failed.answer.body).data.status, "FAILED");
  deepStrictEqual(world.verifier.asked, []);
  deepStrictEqual(
    world.records.receipts.map((r) => r.outcome),
    ["MERCHANT_NOT_BIND", "ACKNOWLEDGED"],
  );
  equal(world.records.outboxRows.size, 1); // the khqr.generated-event only
});

Deno.test("an invoice never issued or served is 404; the gateway records a QR only for a premium it served", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  equal((await refusal(send(world, webhookFor(premium)))).code, "RESOURCE_NOT_FOUND");
  const error = await refusal(recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "x" }));
  equal(error.code, "RESOURCE_NOT_FOUND");
  equal(world.records.issuances.size, 0);
});

Deno.test("a second KHQR payment of one invoice is flagged and 409, each payment once; the first's retry is still confirmed", async () => {
  const world = coreWorld();
  const premium = await issued(world);
  paidAtAmk(world, premium);
  const first = webhookFor(premium, { paidAt: "2026-03-01T03:00:00.123Z" });
  equal((await send(world, first)).answer.status, 200);

  // The first webhook again after its kept answer was lost, and reconciliation finding it: the same payment.
  world.idempotency.entries.clear();
  equal((await send(world, first)).answer.status, 200);
  equal((await send(world, { ...first, source: "RECONCILIATION", paidAt: undefined })).answer.status, 200);
  equal(world.records.exceptions.length, 0);

  // The customer paid the invoice again: AMK now verifies the invoice as paid at that second.
  paidAtAmk(world, premium, premium.money, "2026-03-01 10:04:10");
  const second = webhookFor(premium, { paidAt: "2026-03-01T03:04:10.500Z" });
  const refused = await refusal(send(world, second));
  equal(refused.code, "DUPLICATE_TRANSACTION");
  equal(refused.status, 409);
  equal((await send(world, second)).replayed, true);
  paidAtAmk(world, premium, premium.money, "2026-03-01 10:09:00");
  const third = webhookFor(premium, { paidAt: "2026-03-01T03:09:00.000Z" });
  equal((await refusal(send(world, third))).code, "DUPLICATE_TRANSACTION");

  deepStrictEqual(
    world.records.exceptions.map((e) => [e.kind, e.channel, e.transactionId, e.money.minor]),
    [
      ["DUPLICATE_PAYMENT", "KHQR", `AMK_KHQR_${premium.id}@2026-03-01T03:04:10Z`, premium.money.minor],
      ["DUPLICATE_PAYMENT", "KHQR", `AMK_KHQR_${premium.id}@2026-03-01T03:09:00Z`, premium.money.minor],
    ],
  );
  equal(world.records.payments.size, 1);
  const types = [...world.records.outboxRows.values()].map((r) => r.event.type);
  equal(types.filter((t) => t === "gateway.payment.exception").length, 2);
});

Deno.test(
  "the premium's open QR is offered again until it expires, at its own amount when re-priced; a settled or expired one is not",
  async () => {
    const world = coreWorld();
    const premium = premiumDue(world);
    deepStrictEqual((await premiumForQr(world, premium.policyNumber)).openQr, null);
    const expiresAt = new Date(world.clock.now().getTime() + 15 * 60_000).toISOString();
    await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "000201010212-first", expiresAt });
    equal((await premiumForQr(world, premium.policyNumber)).openQr?.qrString, "000201010212-first");

    world.clock.advance(15 * 60_000);
    deepStrictEqual((await premiumForQr(world, premium.policyNumber)).openQr, null); // expired

    const later = new Date(world.clock.now().getTime() + 15 * 60_000).toISOString();
    await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "000201010212-second", expiresAt: later });
    world.premiums.premiums.set(premium.policyNumber, { ...premium, money: toMoney(99, "USD") });
    world.cache.kept.clear();
    // Re-priced: the open QR stands, at its own amount, until it lapses; in its last minutes no new QR.
    const repriced = await premiumForQr(world, premium.policyNumber);
    deepStrictEqual([repriced.openQr?.qrString, repriced.premium.money], ["000201010212-second", premium.money]);
    world.clock.advance(14 * 60_000);
    const lapsing = await refusal(premiumForQr(world, premium.policyNumber));
    deepStrictEqual([lapsing.code, lapsing.headers?.["retry-after"]], ["DUPLICATE_TRANSACTION", "60"]);
    world.clock.advance(-14 * 60_000);

    world.premiums.premiums.set(premium.policyNumber, premium);
    world.cache.kept.clear();
    paidAtAmk(world, premium, toMoney(1, "USD"));
    equal((await refusal(send(world, webhookFor(premium)))).code, "PAYMENT_VERIFICATION_DATA_MISMATCHED");
    // A flagged payment settles no QR a customer can still pay: it is shown again, and stays watched.
    equal((await premiumForQr(world, premium.policyNumber)).openQr?.qrString, "000201010212-second");
    world.clock.advance(16 * 60_000);
    equal(
      (await refusal(send(world, webhookFor(premium, { paidAt: "2026-03-01T03:16:00.000Z" })))).code,
      "PAYMENT_VERIFICATION_DATA_MISMATCHED",
    );
    deepStrictEqual((await premiumForQr(world, premium.policyNumber)).openQr, null); // expired, and settled by its flagged payment
  },
);
