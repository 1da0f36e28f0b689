// AMK as the contract lets it behave, and the ground truth the invariants judge against: which
// QRs it minted, which payments it actually took (amount, instant, AMK's paid second). It also
// plays AMK's qr/generator and its payment-verify, answering from that truth.
//
// AMK verifies per invoice (txId = invoice number), so an invoice paid twice is one answer: AMK
// reports the invoice's LATEST payment (PENDING until it settled). Two payments of one invoice
// inside the same AMK second would be one and the same answer, indistinguishable to the gateway:
// the bank never takes a second KHQR payment of an invoice in a second (floored or rounded)
// already used by another; the customer waits a moment instead (see waitForFreshSecond).
import { formatCambodiaDateTime } from "#shared/amk/bank-time.ts";
import { buildKhqr } from "#shared/khqr/payload.ts";
import { toAmount, type Money } from "#shared/payments/money.ts";
import type { QrGenerator, QrRequest } from "#shared/payments/issue-khqr.ts";
import type { PaymentVerifier, Verification } from "#shared/payments/ports.ts";
import type { Core } from "./core.ts";
import type { Prng } from "./prng.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export const MERCHANT_ID = "900000000290002";
export const QR_LIFETIME_MS = 15 * 60_000;

export interface MintedQr {
  qrString: string;
  invoice: string;
  paymentId: number;
  money: Money;
  mintedAtMs: number;
  expiresAtMs: number;
}

export interface BankPayment {
  /** The bank's own name for it in traces: K1, K2 (KHQR), B1 (bill). */
  ref: string;
  channel: "KHQR" | "BILL";
  paymentId: number;
  policyNumber: string;
  money: Money;
  paidAtMs: number;
  family: string;
  /** KHQR: the microseconds within the millisecond the webhook renders. */
  micros: number;
  /** KHQR: what payment-verify reports as paidAt (whole seconds, GMT+7), or undefined when AMK leaves it out. */
  amkPaidAt?: string;
  /** KHQR: before this, payment-verify says PENDING. */
  settledAtMs: number;
  qr?: MintedQr;
  /** BILL: the bank's transaction id. */
  bankTransactionId?: string;
  /** BILL: the bank took the money back after a final refusal (never confirmed): not a payment. */
  reversed?: boolean;
}

/** How this seed's AMK renders its own paid time (the contract does not pin it to the webhook's). */
export interface AmkQuirks {
  /** Chance that AMK's paidAt is the paid instant rounded to the nearest second instead of floored. */
  roundsPaidSecond: number;
  /** Chance that payment-verify leaves paidAt out. */
  omitsPaidAt: number;
}

export class Bank {
  readonly qrs = new Map<string, MintedQr>();
  readonly payments: BankPayment[] = [];
  readonly behaviour = new Map<string, number>();
  /** Per KHQR payment ref: the paid_datetime renderings its webhooks carried. */
  readonly renderings = new Map<string, Set<string>>();
  /** KHQR payment refs whose webhooks were all lost. */
  readonly lostWebhooks = new Set<string>();

  private minted = 0;

  constructor(
    private readonly core: Core,
    private readonly clock: VirtualClock,
    private readonly prng: Prng,
    readonly quirks: AmkQuirks,
  ) {}

  count(what: string): void {
    this.behaviour.set(what, (this.behaviour.get(what) ?? 0) + 1);
  }

  readonly qrGenerator: QrGenerator = {
    generateQr: async (request: QrRequest) => {
      const mintedAtMs = this.clock.nowMs();
      this.minted += 1;
      const qrString = buildKhqr({
        bakongAccountId: "dai_ichi@amkb",
        merchantId: MERCHANT_ID,
        acquiringBank: "AMK Bank",
        merchantName: "Dai-ichi Life",
        merchantCity: "Phnom Penh",
        amount: request.amount,
        currency: request.currency,
        billNumber: request.billNumber,
        terminalLabel: `SIM${this.minted}`, // two QRs minted in one millisecond still differ
        createdAtMs: mintedAtMs,
        expiresAtMs: mintedAtMs + QR_LIFETIME_MS,
      });
      const money = { minor: Math.round(request.amount * (request.currency === "USD" ? 100 : 1)), currency: request.currency };
      const qr = {
        qrString,
        invoice: request.invoiceNumber,
        paymentId: Number(request.invoiceNumber),
        money,
        mintedAtMs,
        expiresAtMs: mintedAtMs + QR_LIFETIME_MS,
      };
      this.qrs.set(qrString, qr);
      return { qrString };
    },
  };

  readonly verifier: PaymentVerifier = {
    verify: async (txId: string): Promise<Verification> => {
      const now = this.clock.nowMs();
      const latest = this.khqrPaymentsOf(txId)
        .filter((p) => p.paidAtMs <= now)
        .at(-1);
      const refused = (status: string) => ({
        reply: JSON.stringify(
          status === "404" ? { code: "404", message: "Transaction not found" } : { code: "000", data: { txId, status } },
        ),
        refusal: new this.core.PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment", {
          details: `status: ${status}`,
        }),
      });
      if (!latest) return refused("404");
      if (now < latest.settledAtMs) return refused("PENDING");
      const data = { txId, status: "SUCCESS", amount: toAmount(latest.money), currency: latest.money.currency, paidAt: latest.amkPaidAt };
      return {
        reply: JSON.stringify({ code: "000", message: "Success", data }),
        verified: { txId, money: latest.money, paidAt: latest.amkPaidAt },
      };
    },
  };

  khqrPaymentsOf(invoice: string): BankPayment[] {
    return this.payments.filter((p) => p.channel === "KHQR" && String(p.paymentId) === invoice);
  }

  /** Whether a KHQR payment of the invoice now would share an AMK second with one already taken. */
  secondTaken(invoice: string): boolean {
    const now = this.clock.nowMs();
    const seconds = new Set([Math.floor(now / 1000), Math.round(now / 1000)]);
    return this.khqrPaymentsOf(invoice).some(
      (p) => seconds.has(Math.floor(p.paidAtMs / 1000)) || seconds.has(Math.round(p.paidAtMs / 1000)),
    );
  }

  /** The customer scans and pays a QR: taken, or refused when the QR has expired (null). */
  payKhqr(qrString: string, policyNumber: string, family: string): BankPayment | null {
    const qr = this.qrs.get(qrString);
    if (!qr) throw new Error("simulation: a customer paid a QR AMK never minted");
    const now = this.clock.nowMs();
    if (now >= qr.expiresAtMs) {
      this.count("payment refused: QR expired");
      return null;
    }
    if (this.secondTaken(qr.invoice)) throw new Error("simulation: two KHQR payments of one invoice in one AMK second");
    const rounds = this.prng.chance(this.quirks.roundsPaidSecond);
    const omits = this.prng.chance(this.quirks.omitsPaidAt);
    if (rounds) this.count("AMK paidAt rounded to the second");
    if (omits) this.count("AMK paidAt left out");
    const secondMs = rounds ? Math.round(now / 1000) * 1000 : Math.floor(now / 1000) * 1000;
    const payment: BankPayment = {
      ref: `K${this.payments.length + 1}`,
      channel: "KHQR",
      paymentId: qr.paymentId,
      policyNumber,
      money: qr.money,
      paidAtMs: now,
      family,
      micros: this.prng.int(0, 999),
      amkPaidAt: omits ? undefined : formatCambodiaDateTime(secondMs),
      settledAtMs: now + (this.prng.chance(0.3) ? this.prng.int(1_000, 90_000) : 0),
      qr,
    };
    this.payments.push(payment);
    this.count("KHQR payment taken");
    return payment;
  }

  /** A bill payment at the counter: taken now, confirmed to the gateway next (reversed if refused for good). */
  takeBill(paymentId: number, policyNumber: string, money: Money, family: string): BankPayment {
    const payment: BankPayment = {
      ref: `B${this.payments.length + 1}`,
      channel: "BILL",
      paymentId,
      policyNumber,
      money,
      paidAtMs: this.clock.nowMs(),
      family,
      micros: 0,
      settledAtMs: this.clock.nowMs(),
      bankTransactionId: `AMKSIM${String(this.payments.length + 1).padStart(8, "0")}`,
    };
    this.payments.push(payment);
    this.count("bill payment taken");
    return payment;
  }

  /** Payments the bank holds (bill payments it reversed are not). */
  taken(): BankPayment[] {
    return this.payments.filter((p) => !p.reversed);
  }
}
