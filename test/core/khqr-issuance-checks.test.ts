// A QR from AMK reaches a customer only when it is what the contract asks for (issueKhqr's checks),
// on the in-memory gateway. A refused QR is never recorded.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { crc16CcittFalse } from "#shared/khqr/crc.ts";
import { buildKhqr, type KhqrMerchantInput } from "#shared/khqr/payload.ts";
import { localGateway } from "#shared/payments/in-memory/local-gateway.ts";
import { issueKhqr, type GeneratedQr, type QrGenerator, type QrRequest } from "#shared/payments/issue-khqr.ts";
import { REUSE_MIN_REMAINING_MS } from "#shared/payments/premium-for-qr.ts";
import { coreWorld, MERCHANT_ID, premiumDue, refusal, type CoreWorld } from "./world.ts";

const LIFETIME_MS = 15 * 60_000;

/** AMK's qr/generator, issuing a sound QR unless `tamper` changes its input or its reply. */
function amk(world: CoreWorld, tamper: (input: KhqrMerchantInput, qr: GeneratedQr) => GeneratedQr = (_i, qr) => qr): QrGenerator {
  return {
    async generateQr(request: QrRequest) {
      const createdAtMs = world.clock.now().getTime();
      const input: KhqrMerchantInput = {
        bakongAccountId: "dai_ichi@amkb",
        merchantId: MERCHANT_ID,
        acquiringBank: "AMK Bank",
        merchantName: "Dai-ichi Life",
        merchantCity: "Phnom Penh",
        amount: request.amount,
        currency: request.currency,
        billNumber: request.billNumber,
        createdAtMs,
        expiresAtMs: createdAtMs + LIFETIME_MS,
      };
      const qrString = buildKhqr(input);
      return tamper(input, { qrString });
    },
  };
}

/** A reply whose string comes from `input` changed by `change`. */
function reissued(change: Partial<KhqrMerchantInput>) {
  return (input: KhqrMerchantInput): GeneratedQr => ({ qrString: buildKhqr({ ...input, ...change }) });
}

function issue(world: CoreWorld, generator: QrGenerator, billNumber: string, bankCode = "AMK") {
  return issueKhqr(
    { gateway: localGateway(world), qrGenerator: generator, merchantId: world.merchantId, clock: world.clock },
    { bankCode, billNumber },
  );
}

Deno.test("a sound QR is issued and recorded, with the string that was checked", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const issued = await issue(world, amk(world), premium.policyNumber);
  equal(issued.expiresAt, new Date(world.clock.now().getTime() + LIFETIME_MS).toISOString());
  equal((await world.records.findIssuance(String(premium.id)))?.qrString, issued.qrString);
});

const refusals: [string, (input: KhqrMerchantInput, qr: GeneratedQr) => GeneratedQr][] = [
  ["another merchant", reissued({ merchantId: "900000000999999" })],
  ["another amount", reissued({ amount: 1 })],
  ["another bill number", reissued({ billNumber: "P000000001" })],
  ["no bill number", reissued({ billNumber: undefined })],
  ["an expired QR", (input) => reissued({ createdAtMs: input.createdAtMs - 2 * LIFETIME_MS, expiresAtMs: input.createdAtMs - 1 })(input)],
  [
    "a static QR",
    (_input, qr) => {
      const unsigned = qr.qrString.slice(0, -4).replace("010212", "010211");
      const qrString = unsigned + crc16CcittFalse(unsigned);
      return { qrString };
    },
  ],
];

for (const [what, tamper] of refusals) {
  Deno.test(`AMK's QR with ${what} is AMK_UNKNOWN_ERROR and nothing is recorded`, async () => {
    const world = coreWorld();
    const premium = premiumDue(world);
    const error = await refusal(issue(world, amk(world, tamper), premium.policyNumber));
    equal(error.code, "AMK_UNKNOWN_ERROR");
    equal(error.status, 502);
    equal(world.records.issuances.size, 0);
    ok(![...world.records.outboxRows.values()].some((r) => r.event.type === "khqr.generated-event"));
  });
}

Deno.test("a QR that expires while the clock moves on is refused from then on", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  const frozen = amk(world);
  const first = await frozen.generateQr({
    invoiceNumber: String(premium.id),
    billNumber: premium.policyNumber,
    amount: 89.5,
    currency: "USD",
  });
  world.clock.advance(LIFETIME_MS);
  const error = await refusal(issue(world, { generateQr: async () => first }, premium.policyNumber));
  equal(error.code, "AMK_UNKNOWN_ERROR");
});

Deno.test("an unknown bank is BANK_NOT_FOUND, an unbound one MERCHANT_NOT_BIND, before the gateway is asked", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  equal((await refusal(issue(world, amk(world), premium.policyNumber, "NOPE"))).code, "BANK_NOT_FOUND");
  equal((await refusal(issue(world, amk(world), premium.policyNumber, "ABA"))).code, "MERCHANT_NOT_BIND");
  equal(world.premiums.calls, 0);
});

Deno.test("the spec's JSON bankCode names the bank too", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  equal((await issue(world, amk(world), premium.policyNumber, '{"id":"AMK","bank":"AMK"}')).bankCode, "AMK");
});

Deno.test("while the premium's QR can still be paid it is answered again, and AMK mints no second QR under its invoice", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  let minted = 0;
  const counting: QrGenerator = { generateQr: (request) => ((minted += 1), amk(world).generateQr(request)) };
  const first = await issue(world, counting, premium.policyNumber);
  world.clock.advance(LIFETIME_MS - REUSE_MIN_REMAINING_MS); // exactly the time a customer needs is left
  const again = await issue(world, counting, premium.policyNumber);
  deepStrictEqual([again.qrString, again.expiresAt, minted], [first.qrString, first.expiresAt, 1]);
  equal([...world.records.outboxRows.values()].filter((r) => r.event.type === "khqr.generated-event").length, 1);

  world.clock.advance(1); // too little time left to pay it: a new QR
  const renewed = await issue(world, counting, premium.policyNumber);
  equal(minted, 2);
  ok(renewed.qrString !== first.qrString);
  equal((await world.records.findIssuance(String(premium.id)))?.qrString, renewed.qrString);
});
