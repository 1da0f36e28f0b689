// What customers do, one scenario family each, as the app and the bank let them: ask for the
// premium, get a QR (tapping twice, renewing, coming back late), pay it once or twice, pay by
// bill instead or as well. The families are named so a failing seed says which story broke.
import type { IssuedKhqr } from "#shared/payments/issue-khqr.ts";
import type { Premium } from "#shared/payments/premium.ts";
import { confirmBill, sendWebhooks } from "./bank-requests.ts";
import type { BankPayment } from "./bank.ts";
import type { Sim } from "./sim.ts";

export const FAMILIES = {
  /** Get a QR, pay it once. */
  "qr-once": 24,
  /** Two GET /khqr at once (a double tap), pay what the page shows. */
  "qr-double-tap": 8,
  /** Scan the same QR twice: two payments of one invoice. */
  "qr-paid-twice": 6,
  /** A second QR asked for while the first is nearly expired; both paid. */
  "qr-two-qrs-paid": 5,
  /** Pay the QR and at the bank counter too. */
  "qr-and-bill": 6,
  /** Pay at the counter once (half of them with the app's checkout open at the same time). */
  "bill-once": 14,
  /** Pay at the counter twice (two bank transaction ids). */
  "bill-twice": 5,
  /** Pay after the QR expired (the bank refuses), get a new QR, pay that. */
  "qr-expired-then-renewed": 8,
  /** The premium is re-priced while its QR is open; a new QR is asked for; the old one is paid. */
  "qr-repriced": 5,
  /** Get a QR and never pay. */
  "qr-abandoned": 8,
  /** Only look at the premium. */
  browse: 6,
} as const;

export type Family = keyof typeof FAMILIES;

export interface Customer {
  family: Family;
  premium: Premium;
}

const MINUTE = 60_000;

export function pickFamily(sim: Sim): Family {
  const entries = Object.entries(FAMILIES) as [Family, number][];
  let roll = sim.prng.float() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [family, weight] of entries) {
    roll -= weight;
    if (roll < 0) return family;
  }
  return entries[0]![0];
}

export async function play(sim: Sim, customer: Customer): Promise<void> {
  const c = new Steps(sim, customer);
  const { prng } = sim;
  switch (customer.family) {
    case "qr-once": {
      await c.inquire();
      const qr = await c.getQr();
      if (qr) await c.payLater(qr, prng.int(5_000, 12 * MINUTE), true);
      break;
    }
    case "qr-double-tap": {
      const [a, b] = await Promise.all([c.getQr(1), c.getQr(1)]);
      const shown = b ?? a;
      if (shown) await c.payLater(shown, prng.int(5_000, 5 * MINUTE), true);
      break;
    }
    case "qr-paid-twice": {
      const qr = await c.getQr();
      if (!qr) break;
      const first = await c.payLater(qr, prng.int(5_000, 5 * MINUTE), false);
      if (first) await c.payLater(qr, prng.int(1_000, 4 * MINUTE), true);
      break;
    }
    case "qr-two-qrs-paid": {
      const first = await c.getQr();
      if (!first) break;
      // Back when under two minutes are left: the gateway mints another QR instead of showing this one.
      await c.sleepUntil(Date.parse(first.expiresAt) - prng.int(20_000, 110_000));
      const second = await c.getQr();
      await c.payLater(first, prng.int(0, 10_000), false);
      if (second) await c.payLater(second, prng.int(1_000, 60_000), true);
      break;
    }
    case "qr-and-bill": {
      const qr = await c.getQr();
      if (!qr) break;
      await Promise.all([c.payLater(qr, prng.int(5_000, 3 * MINUTE), true), c.payBillLater(prng.int(0, 3 * MINUTE))]);
      break;
    }
    case "bill-once": {
      await c.inquire();
      // Half of them also open the app's checkout while paying at the counter: a QR asked for as the payment is booked.
      const at = prng.int(1_000, 10 * MINUTE);
      const checkout = prng.chance(0.5) ? c.sleep(at + prng.int(0, 6_000)).then(() => c.getQr(1)) : undefined;
      await Promise.all([c.payBillLater(at), checkout]);
      break;
    }
    case "bill-twice": {
      const due = await c.bankInquiry();
      if (!due) break;
      await Promise.all([c.payBillWith(due, prng.int(0, 60_000)), c.payBillWith(due, prng.int(0, 10 * MINUTE))]);
      break;
    }
    case "qr-expired-then-renewed": {
      const qr = await c.getQr();
      if (!qr) break;
      await c.sleepUntil(Date.parse(qr.expiresAt) + prng.int(0, 5 * MINUTE));
      await c.payLater(qr, 0, true); // refused: expired
      const again = await c.getQr();
      if (again) await c.payLater(again, prng.int(5_000, 5 * MINUTE), true);
      break;
    }
    case "qr-repriced": {
      const qr = await c.getQr();
      if (!qr) break;
      await c.sleep(prng.int(10_000, 5 * MINUTE));
      c.reprice();
      const renewed = await c.getQr();
      await c.payLater(qr, prng.int(1_000, 60_000), !renewed);
      if (renewed && prng.chance(0.5)) await c.payLater(renewed, prng.int(1_000, 3 * MINUTE), true);
      break;
    }
    case "qr-abandoned":
      await c.getQr();
      break;
    case "browse":
      await c.inquire();
      break;
  }
  // The app refreshes the checkout right after paying (racing the booking), and customers look
  // again later: a paid premium must be neither issued a QR nor offered (invariant 6).
  if (prng.chance(0.5)) await c.getQr(1);
  await c.sleep(prng.int(MINUTE, 30 * MINUTE));
  await c.inquire();
}

/** One customer's requests, each its own task; failed app requests are retried a couple of times. */
class Steps {
  private readonly webhooks: Promise<void>[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly customer: Customer,
  ) {}

  private get policy() {
    return this.customer.premium.policyNumber;
  }

  sleep(ms: number) {
    return this.sim.clock.sleep(ms);
  }

  sleepUntil(atMs: number) {
    return this.sim.clock.sleep(atMs - this.sim.clock.nowMs());
  }

  /** The app's inquiry (GET /AMK/payments): what it was offered is kept for invariant 6. */
  async inquire(): Promise<Premium | null> {
    const outcome = await this.sim.sched.spawn("inquiry", this.customer.premium.id, async (task) => {
      const premium = await this.sim.world.inquire(task, this.policy);
      this.sim.seen.offers.push({ route: "inquiry", paymentId: premium.id, query: this.policy, task });
      return premium;
    });
    return outcome.kind === "answered" ? outcome.value : null;
  }

  /** The bank teller's inquiry before taking a bill payment (retried: the customer is at the counter). */
  async bankInquiry(): Promise<Premium | null> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const premium = await this.inquire();
      if (premium) return premium;
      await this.sleep(this.sim.prng.int(2_000, 20_000));
    }
    return null;
  }

  /** GET /khqr, retried by the app when it fails; null when no QR could be had. */
  async getQr(tries = 3): Promise<IssuedKhqr | null> {
    for (let attempt = 0; attempt < tries; attempt += 1) {
      const outcome = await this.sim.sched.spawn("GET /khqr", this.customer.premium.id, async (task) => {
        const issued = await this.sim.world.issueQr(task, this.policy);
        this.sim.seen.offers.push({ route: "khqr", paymentId: issued.premium.id, query: this.policy, task, qrString: issued.qrString });
        return issued;
      });
      if (outcome.kind === "answered") return outcome.value;
      if (outcome.kind === "threw")
        this.sim.trace.add(`app <- GET /khqr: ${String((outcome.error as Error).message)}`, this.customer.premium.id);
      await this.sleep(this.sim.prng.int(1_000, 15_000));
    }
    return null;
  }

  /** Pays the QR after `delayMs` (waiting out an AMK second another payment of the invoice used); its webhooks follow. */
  async payLater(qr: IssuedKhqr, delayMs: number, lastPayment: boolean): Promise<BankPayment | null> {
    await this.sleep(delayMs);
    const invoice = String(qr.premium.id);
    while (this.sim.bank.secondTaken(invoice)) await this.sleep(700);
    const payment = this.sim.bank.payKhqr(qr.qrString, this.policy, this.customer.family);
    if (!payment) return null;
    this.sim.trace.add(
      `customer pays QR of ${invoice} (${payment.ref}, ${payment.money.minor}) AMK paidAt ${payment.amkPaidAt ?? "none"}`,
      payment.paymentId,
    );
    // Only a payment AMK's per-invoice verify still reports (no later payment of the invoice) may lose every webhook.
    this.webhooks.push(sendWebhooks(this.sim, payment, lastPayment));
    return payment;
  }

  async payBillLater(delayMs: number): Promise<void> {
    await this.sleep(delayMs);
    const due = await this.bankInquiry();
    if (due) await this.payBillWith(due, 0);
  }

  async payBillWith(due: Premium, delayMs: number): Promise<void> {
    await this.sleep(delayMs);
    const payment = this.sim.bank.takeBill(due.id, due.policyNumber, due.money, this.customer.family);
    this.sim.trace.add(`customer pays ${due.id} at the counter (${payment.ref}, ${payment.money.minor})`, due.id);
    await confirmBill(this.sim, payment);
  }

  /**
   * The Integration Service re-prices the premium (same payment id), and the app's next request
   * reaches a location whose KV has not cached it (KV caches per location).
   */
  reprice(): void {
    const premiums = this.sim.world.real.premiums.premiums;
    const due = premiums.get(this.policy);
    if (!due) return;
    premiums.set(this.policy, { ...due, money: { ...due.money, minor: due.money.minor + 1_000 } });
    this.sim.world.real.cache.kept.delete(this.policy);
    this.sim.trace.add(`Integration Service re-prices ${due.id} to ${due.money.minor + 1_000}`, due.id);
  }
}
