// A payment core wired to its in-memory ports: what the Deno tests run the verbs against.
import { PaymentError } from "#shared/payments/errors.ts";
import { toMoney } from "#shared/payments/money.ts";
import { deliverEvents } from "#shared/payments/deliver-events.ts";
import { InMemoryIdempotency } from "#shared/payments/in-memory/idempotency.ts";
import { InMemoryRecordStore } from "#shared/payments/in-memory/record-store.ts";
import {
  InMemoryEventPublisher,
  InMemoryPaymentVerifier,
  InMemoryPremiumCache,
  InMemoryPremiumSource,
  ManualClock,
} from "#shared/payments/in-memory/outside-systems.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import { receiveKhqrReport, type KhqrReport } from "#shared/payments/khqr-payment.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import type { Premium } from "#shared/payments/premium.ts";

export const MERCHANT_ID = "900000000290002";

export function coreWorld() {
  const clock = new ManualClock(new Date("2026-03-01T03:00:00.000Z"));
  const records = new InMemoryRecordStore();
  const publisher = new InMemoryEventPublisher();
  const world = {
    clock,
    records,
    premiums: new InMemoryPremiumSource(),
    cache: new InMemoryPremiumCache(),
    idempotency: new InMemoryIdempotency(),
    verifier: new InMemoryPaymentVerifier(),
    publisher,
    merchantId: MERCHANT_ID,
    deliver: (eventIds?: string[]) => deliverEvents({ outbox: records.outbox, publisher, topicPrefix: "dev.", clock }, eventIds),
  };
  return world;
}

export type CoreWorld = ReturnType<typeof coreWorld>;

let next = 0;

/** A premium due at the in-memory premium source, unique to the test. */
export function premiumDue(world: CoreWorld, overrides: Partial<Premium> = {}): Premium {
  next += 1;
  const premium: Premium = {
    id: 500_000 + next,
    policyNumber: `P${String(100_000_000 + next)}`,
    payer: "Sok Dara",
    money: toMoney(89.5, "USD"),
    dueDate: "2026-03-15",
    ...overrides,
  };
  world.premiums.premiums.set(premium.policyNumber, premium);
  return premium;
}

/** AMK's payment-verify reports the premium paid in full. */
export function paidAtAmk(world: CoreWorld, premium: Premium, money = premium.money, paidAt: string | undefined = "2026-03-01 10:00:00") {
  world.verifier.answers.set(String(premium.id), { txId: String(premium.id), money, paidAt });
}

export function amkSays(world: CoreWorld, premium: Premium, error: PaymentError) {
  world.verifier.answers.set(String(premium.id), error);
}

/** The refusal a verb threw, or the final one it answered with (kept for replay). */
export async function refusal(promise: Promise<unknown>): Promise<PaymentError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (error instanceof PaymentError) return error;
    throw error;
  }
  const answered = result as { refusal?: PaymentError } | undefined;
  if (answered?.refusal) return answered.refusal;
  throw new Error("expected a PaymentError, got a success");
}

export function webhookFor(premium: Premium, overrides: Partial<KhqrReport> = {}): KhqrReport {
  return {
    source: "WEBHOOK",
    invoiceNumber: String(premium.id),
    status: "SUCCESS",
    merchantNumber: MERCHANT_ID,
    money: premium.money,
    paidAt: "2026-03-01T03:00:00.123Z",
    ...overrides,
  };
}

export function send(world: CoreWorld, webhook: KhqrReport) {
  const receipt = {
    invoiceNumber: webhook.invoiceNumber,
    status: webhook.status,
    merchantNumber: webhook.merchantNumber,
    paidAmount: 0,
    currency: webhook.money.currency,
    paidDatetime: webhook.paidAt ?? "",
  };
  return receiveKhqrReport(world, webhook, { input: webhook, requestId: "req", receipt });
}

export async function issued(world: CoreWorld, overrides: Partial<Premium> = {}) {
  const premium = premiumDue(world, overrides);
  await inquirePremium(world, premium.policyNumber);
  await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "000201010212" });
  return premium;
}
