// The status rules of docs/api.md, pure, and as the in-memory gateway answers them over
// its RPC contract (what the KHQR worker's status routes call).
import { deepEqual, equal } from "node:assert/strict";
import { toMoney } from "#shared/payments/money.ts";
import { localGateway } from "#shared/payments/in-memory/local-gateway.ts";
import { isFinalStatus, paymentStatusOf, statusChanged } from "#shared/payments/payment-status.ts";
import type { PaymentRecord, QrIssuance } from "#shared/payments/ports.ts";
import { coreWorld, premiumDue } from "./world.ts";

const NOW = new Date("2026-03-01T03:00:00.000Z");

const issuance: QrIssuance = {
  qrId: "150002@2026-03-01T02:50:00.000Z",
  invoiceNumber: "150002",
  paymentId: 150002,
  policyNumber: "P987654321",
  money: toMoney(89.5, "USD"),
  bankCode: "AMK",
  qrString: "000201010212...",
  issuedAt: "2026-03-01T02:50:00.000Z",
  expiresAt: "2026-03-01T03:05:00.000Z",
};

const payment: PaymentRecord = {
  paymentId: 150002,
  policyNumber: "P987654321",
  money: toMoney(89.5, "USD"),
  channel: "KHQR",
  transactionId: "AMK_KHQR_150002",
  paidAt: "2026-03-01T02:55:00.000Z",
  confirmedAt: "2026-03-01T02:55:01.000Z",
};

Deno.test("a QR issued and not yet expired is PENDING, with its expiry and nothing paid", () => {
  deepEqual(paymentStatusOf({ issuance, payment: null }, NOW), {
    paymentId: 150002,
    policyNumber: "P987654321",
    status: "PENDING",
    amount: 89.5,
    currency: "USD",
    expiresAt: "2026-03-01T03:05:00.000Z",
    paidAt: null,
    channel: null,
    transactionId: null,
  });
});

Deno.test("the latest QR expired unpaid is EXPIRED, from its expiry instant on", () => {
  equal(paymentStatusOf({ issuance, payment: null }, new Date("2026-03-01T03:04:59.999Z"))?.status, "PENDING");
  equal(paymentStatusOf({ issuance, payment: null }, new Date("2026-03-01T03:05:00.000Z"))?.status, "EXPIRED");
});

Deno.test("a paid premium is PAID with its channel, transaction and time, even after its QR expired", () => {
  const later = new Date("2026-03-02T00:00:00.000Z");
  deepEqual(paymentStatusOf({ issuance, payment }, later), {
    paymentId: 150002,
    policyNumber: "P987654321",
    status: "PAID",
    amount: 89.5,
    currency: "USD",
    expiresAt: "2026-03-01T03:05:00.000Z",
    paidAt: "2026-03-01T02:55:00.000Z",
    channel: "KHQR",
    transactionId: "AMK_KHQR_150002",
  });
});

Deno.test("a premium paid by bill payment with no QR is PAID through BILL, with no expiry", () => {
  const bill = { ...payment, channel: "BILL" as const, transactionId: "AMK202510070001" };
  const status = paymentStatusOf({ issuance: null, payment: bill }, NOW);
  equal(status?.status, "PAID");
  equal(status?.channel, "BILL");
  equal(status?.expiresAt, null);
});

Deno.test("no QR and no payment: no status at all", () => {
  equal(paymentStatusOf({ issuance: null, payment: null }, NOW), null);
});

Deno.test("PAID and EXPIRED end a stream; any field that moves is a change", () => {
  const pending = paymentStatusOf({ issuance, payment: null }, NOW)!;
  equal(isFinalStatus(pending), false);
  equal(isFinalStatus(paymentStatusOf({ issuance, payment }, NOW)!), true);
  equal(isFinalStatus(paymentStatusOf({ issuance, payment: null }, new Date("2026-03-02T00:00:00Z"))!), true);
  equal(statusChanged(pending, { ...pending }), false);
  equal(statusChanged(pending, { ...pending, expiresAt: "2026-03-01T03:20:00.000Z" }), true);
});

Deno.test("the gateway's RPC answers the status from its records, and 404 before any QR", async () => {
  const world = coreWorld();
  const gateway = localGateway(world);
  const premium = premiumDue(world);
  const unknown = await gateway.paymentStatus(premium.id);
  equal(unknown.ok, false);
  if (!unknown.ok) equal(unknown.error.code, "RESOURCE_NOT_FOUND");

  const now = world.clock.now();
  const expiresAt = new Date(now.getTime() + 15 * 60_000).toISOString();
  await world.records.commit(
    {
      premium,
      issuance: { ...issuance, invoiceNumber: String(premium.id), paymentId: premium.id, policyNumber: premium.policyNumber, expiresAt },
      events: [],
    },
    now,
  );
  const pending = await gateway.paymentStatus(premium.id);
  deepEqual(pending.ok && pending.value.status, "PENDING");

  const details = await gateway.checkoutDetails(premium.id);
  deepEqual(details.ok && { payer: details.value.payer, qr: details.value.qrString, bank: details.value.bankCode }, {
    payer: premium.payer,
    qr: issuance.qrString,
    bank: "AMK",
  });

  world.clock.advance(15 * 60_000);
  const expired = await gateway.paymentStatus(premium.id);
  deepEqual(expired.ok && expired.value.status, "EXPIRED");
});
