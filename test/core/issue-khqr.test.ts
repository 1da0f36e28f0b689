import { equal, ok } from "node:assert/strict";
import { buildKhqr } from "#shared/khqr/payload.ts";
import { localGateway } from "#shared/payments/in-memory/local-gateway.ts";
import { issueKhqr, type QrGenerator, type QrRequest } from "#shared/payments/issue-khqr.ts";
import { coreWorld, MERCHANT_ID, premiumDue, refusal } from "./world.ts";

/** AMK's qr/generator, answering with a KHQR for `amountOf(request)` (the request's own amount unless told otherwise). */
function qrGenerator(clock: { now(): Date }, amountOf = (r: QrRequest) => r.amount): QrGenerator {
  return {
    async generateQr(request) {
      const createdAtMs = clock.now().getTime();
      const qrString = buildKhqr({
        bakongAccountId: "dai_ichi@amkb",
        merchantId: MERCHANT_ID,
        acquiringBank: "AMK Bank",
        merchantName: "Dai-ichi Life",
        merchantCity: "Phnom Penh",
        amount: amountOf(request),
        currency: request.currency as "USD" | "KHR",
        billNumber: request.billNumber,
        createdAtMs,
        expiresAtMs: createdAtMs + 15 * 60_000,
      });
      return { qrImage: "", qrString };
    },
  };
}

Deno.test("a KHQR is issued for the premium due and recorded by the gateway with its event", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const issued = await issueKhqr(
    { gateway: localGateway(world), qrGenerator: qrGenerator(world.clock) },
    { bankCode: '{"id":"AMK","bank":"AMK"}', billNumber: premium.policyNumber },
  );
  equal(issued.premium.id, premium.id);
  equal(issued.bankCode, "AMK");
  equal(issued.expiresAt, new Date(world.clock.now().getTime() + 15 * 60_000).toISOString());
  const issuance = world.records.issuances.get(String(premium.id));
  equal(issuance?.qrString, issued.qr.qrString);
  ok([...world.records.outboxRows.values()].some((r) => r.event.type === "khqr.generated-event"));
});

Deno.test("a QR from AMK for another amount never reaches the customer and is not recorded", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const error = await refusal(
    issueKhqr(
      { gateway: localGateway(world), qrGenerator: qrGenerator(world.clock, () => 1) },
      { bankCode: "AMK", billNumber: premium.policyNumber },
    ),
  );
  equal(error.code, "AMK_UNKNOWN_ERROR");
  equal(world.records.issuances.size, 0);
});

Deno.test("an unknown bank is BANK_NOT_FOUND, an unbound one MERCHANT_NOT_BIND, before the gateway is asked", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const deps = { gateway: localGateway(world), qrGenerator: qrGenerator(world.clock) };
  equal((await refusal(issueKhqr(deps, { bankCode: "NOPE", billNumber: premium.policyNumber }))).code, "BANK_NOT_FOUND");
  equal((await refusal(issueKhqr(deps, { bankCode: "ABA", billNumber: premium.policyNumber }))).code, "MERCHANT_NOT_BIND");
  equal(world.premiums.calls, 0);
});
