import { deepStrictEqual, equal } from "node:assert/strict";
import { PaymentError } from "#shared/errors.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import { reconcileKhqrPayments } from "#shared/payments/reconcile-khqr.ts";
import { recordQrIssuance } from "#shared/payments/record-qr-issuance.ts";
import { amkSays, coreWorld, paidAtAmk, premiumDue } from "./world.ts";

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
  deepStrictEqual(await reconcileKhqrPayments(world), { checked: 1, confirmed: 0, eventIds: [] });
  world.clock.advance(MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 0);
  world.clock.advance(5 * MINUTE);
  equal((await reconcileKhqrPayments(world)).checked, 1);
});
