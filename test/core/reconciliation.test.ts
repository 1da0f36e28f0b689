import { deepStrictEqual, equal } from "node:assert/strict";
import { PaymentError } from "#shared/payments/errors.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import { reconcileKhqrPayments } from "#shared/payments/reconcile-khqr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import { amkSays, coreWorld, paidAtAmk, premiumDue, type CoreWorld } from "./world.ts";

const MINUTE = 60_000;

Deno.test("reconciliation confirms a QR AMK reports paid after the webhook's head start, once", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber);
  await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "x" });
  paidAtAmk(world, premium);

  equal((await reconcileKhqrPayments(world)).checked, 0); // within the 2-minute head start
  world.clock.advance(3 * MINUTE);
  const report = await reconcileKhqrPayments(world);
  equal(report.confirmed, 1);
  equal(report.eventIds.length, 2);
  equal(world.records.payments.get(premium.id)?.paidAt, "2026-03-01T03:00:00.000Z"); // AMK's 10:00 GMT+7
  world.clock.advance(10 * MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 0); // paid: never asked again
});

Deno.test("a QR AMK reports pending stays unpaid and is not asked about again within 5 minutes", async () => {
  const world = coreWorld();
  const premium = premiumDue(world);
  await inquirePremium(world, premium.policyNumber);
  await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "x" });
  amkSays(world, premium, new PaymentError("TRANSACTION_VERIFY_FAILED", "pending"));
  world.clock.advance(3 * MINUTE);
  deepStrictEqual(await reconcileKhqrPayments(world), { checked: 1, confirmed: 0, closedUnchecked: 0, eventIds: [] });
  world.clock.advance(MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 0);
  world.clock.advance(5 * MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 1);
});

/** `count` QRs issued now, expiring `lifetimeMs` from now. */
async function qrs(world: CoreWorld, count: number, lifetimeMs: number) {
  const expiresAt = new Date(world.clock.now().getTime() + lifetimeMs).toISOString();
  const invoices: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const premium = premiumDue(world);
    await inquirePremium(world, premium.policyNumber);
    await recordQrIssuance(world, { paymentId: premium.id, bankCode: "AMK", qrString: "x", expiresAt });
    invoices.push(String(premium.id));
  }
  return invoices;
}

const notPaid = new PaymentError("TRANSACTION_VERIFY_FAILED", "pending");

Deno.test("a run keeps claiming for its time budget, then stops: AMK's slowness bounds a run, never the QRs' order", async () => {
  const world = coreWorld();
  world.verifier.otherwise = notPaid;
  world.verifier.onVerify = () => world.clock.advance(1_000); // AMK takes a second a call
  await qrs(world, 50, 30 * MINUTE);
  world.clock.advance(3 * MINUTE);
  const limits = { budgetMs: 25_000, parallel: 1 };
  // Batches of 20 are finished once claimed: 20 by 20 s, 40 by 40 s, past the budget.
  equal((await reconcileKhqrPayments({ ...world, limits })).checked, 40);
  equal((await reconcileKhqrPayments({ ...world, limits })).checked, 10);
  equal(world.verifier.asked.length, 50);
});

Deno.test(
  "under load the check after a QR's expiry goes first, and a QR that leaves the window owing it is closed with an alert",
  async () => {
    const world = coreWorld();
    world.verifier.otherwise = notPaid;
    world.verifier.onVerify = () => world.clock.advance(1_000);
    const limits = { budgetMs: 1, parallel: 1 }; // one batch of 20 a run
    const early = await qrs(world, 20, 10 * MINUTE);
    world.clock.advance(3 * MINUTE);
    equal((await reconcileKhqrPayments({ ...world, limits })).checked, 20); // each checked once, before expiry
    world.clock.advance(8 * MINUTE); // `early` expired, owing its last check
    const late = await qrs(world, 20, 10 * MINUTE);
    world.clock.advance(3 * MINUTE);
    world.verifier.asked.length = 0;
    equal((await reconcileKhqrPayments({ ...world, limits })).checked, 20);
    deepStrictEqual([...world.verifier.asked].sort(), [...early].sort());

    // `late` is asked about before expiry, never after: when its window ends it is closed, alerted, once.
    equal((await reconcileKhqrPayments({ ...world, limits })).checked, 20);
    world.clock.advance(75 * MINUTE);
    const logged = await capturingLog(() => reconcileKhqrPayments({ ...world, limits: { budgetMs: 0, parallel: 1 } }));
    equal(logged.result.closedUnchecked, 20);
    deepStrictEqual(
      logged.lines
        .filter((l) => l.alert === "qr-left-unchecked")
        .map((l) => l.invoiceNumber)
        .sort(),
      [...late].sort(),
    );
    equal((await reconcileKhqrPayments({ ...world, limits })).closedUnchecked, 0);
  },
);

Deno.test("a QR AMK could not be asked about is given back and asked first next run, not counted as checked", async () => {
  const world = coreWorld();
  const [invoice] = await qrs(world, 1, 30 * MINUTE);
  world.verifier.otherwise = new PaymentError("SERVER_UNAVAILABLE", "AMK is down");
  world.clock.advance(3 * MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 0);
  world.verifier.otherwise = notPaid;
  world.clock.advance(MINUTE); // inside the 5 minutes a checked QR waits
  equal((await reconcileKhqrPayments(world)).checked, 1);
  deepStrictEqual(world.verifier.asked, [invoice, invoice]);
});

async function capturingLog<T>(work: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const original = console.log;
  console.log = (line: unknown) => {
    lines.push(typeof line === "string" && line.startsWith("{") ? JSON.parse(line) : { line });
  };
  try {
    return { result: await work(), lines };
  } finally {
    console.log = original;
  }
}
