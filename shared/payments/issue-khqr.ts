// Issuing a KHQR code for the premium due on a policy: ask the gateway for the premium, have AMK
// generate the QR, check AMK's KHQR string against the premium before any customer sees it, then
// tell the gateway which QR was issued (it records it with its event). The image a customer scans
// is drawn by us from that checked string (qr-png.ts, qr-svg.ts), never AMK's own qrImage.
// While the premium's QR can still be paid, that QR is answered again instead of a new one: every
// QR of a premium carries the same invoice number. The gateway grants one request at a time the
// lease to mint a premium's QR; the others wait for that QR (premium-for-qr.ts).
import { amkUnknown } from "../amk/errors.ts";
import { PaymentError } from "./errors.ts";
import { bankFor } from "../khqr/banks.ts";
import { checkIssuedKhqr } from "../khqr/issued-khqr.ts";
import { toMoney, type Currency } from "./money.ts";
import type { PremiumDto } from "./premium.ts";
import { rpcCall, type GatewayRpc, type OpenQrDto } from "./gateway-rpc.ts";
import type { Clock } from "./ports.ts";

export interface QrRequest {
  invoiceNumber: string;
  billNumber: string;
  amount: number;
  currency: Currency;
}

/** What we take from AMK's reply: the KHQR text. Its qrImage is not read (we draw our own). */
export interface GeneratedQr {
  qrString: string;
}

/** AMK's partner API for QR generation. */
export interface QrGenerator {
  generateQr(request: QrRequest): Promise<GeneratedQr>;
}

export interface IssuedKhqr {
  premium: PremiumDto;
  bankCode: string;
  /** AMK's KHQR string, checked: the only text any picture of this QR may carry. */
  qrString: string;
  expiresAt: string;
}

export type IssueKhqrDeps = {
  gateway: GatewayRpc;
  qrGenerator: QrGenerator;
  /** AMK_MERCHANT_ID: every QR we show must pay it. */
  merchantId: string;
  clock: Clock;
  /** Waits between asks while another request mints the premium's QR (a timer; the simulator's own clock in its runs). */
  pause?: (ms: number) => Promise<void>;
};

/** How long a request waits for the QR another request for the same premium is minting, and how often it asks. */
export const ISSUANCE_WAIT_MS = 8_000;
const ISSUANCE_POLL_MS = 250;

const pauseFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function issueKhqr(deps: IssueKhqrDeps, request: { bankCode: string | undefined; billNumber: string }): Promise<IssuedKhqr> {
  const bank = bankFor(request.bankCode);
  const pause = deps.pause ?? pauseFor;
  for (let waitedMs = 0; ; waitedMs += ISSUANCE_POLL_MS) {
    const { premium, openQr, lease } = await rpcCall(() => deps.gateway.premiumForQr(request.billNumber));
    if (openQr) return shownAgain(deps, premium, openQr);
    if (lease) return minted(deps, premium, bank.code, lease);
    if (waitedMs >= ISSUANCE_WAIT_MS) {
      throw new PaymentError("DUPLICATE_TRANSACTION", "A QR for this premium is being issued; retry shortly", {
        details: "IN_FLIGHT",
        reason: `qr issuance for premium ${premium.id} still in flight after ${waitedMs} ms`,
        headers: { "retry-after": "1" },
      });
    }
    await pause(ISSUANCE_POLL_MS);
  }
}

/** The premium's open QR, checked again before it is shown (against its own money: it stands until it lapses). */
function shownAgain(deps: IssueKhqrDeps, premium: PremiumDto, openQr: OpenQrDto): IssuedKhqr {
  const again = checkIssuedKhqr(openQr.qrString, {
    money: toMoney(premium.amount, premium.currency),
    billNumber: premium.policyNumber,
    merchantId: deps.merchantId,
    nowMs: deps.clock.now().getTime(),
  });
  if (!again.ok) throw amkUnknown(`the premium's open QR no longer passes its checks: ${again.problem}`);
  return { premium, bankCode: openQr.bankCode, qrString: openQr.qrString, expiresAt: openQr.expiresAt };
}

/** AMK mints the QR under this request's lease; the lease is given back if the QR is not recorded. */
async function minted(deps: IssueKhqrDeps, premium: PremiumDto, bankCode: string, lease: string): Promise<IssuedKhqr> {
  try {
    const qr = await deps.qrGenerator.generateQr({
      invoiceNumber: String(premium.id),
      billNumber: premium.policyNumber,
      amount: premium.amount,
      currency: premium.currency,
    });
    // Before anyone sees it: a dynamic KHQR with a valid CRC for the premium's amount, currency and
    // bill number, paying our merchant, not yet expired.
    const check = checkIssuedKhqr(qr.qrString, {
      money: toMoney(premium.amount, premium.currency),
      billNumber: premium.policyNumber,
      merchantId: deps.merchantId,
      nowMs: deps.clock.now().getTime(),
    });
    if (!check.ok) throw amkUnknown(`qr/generator returned a KHQR we must not show: ${check.problem}`);
    await rpcCall(() =>
      deps.gateway.recordQrIssued({
        paymentId: premium.id,
        bankCode,
        qrString: qr.qrString,
        expiresAt: check.expiresAt,
        lease,
        amount: premium.amount,
        currency: premium.currency,
        policyNumber: premium.policyNumber,
      }),
    );
    return { premium, bankCode, qrString: qr.qrString, expiresAt: check.expiresAt };
  } catch (error) {
    // recordQrIssued frees the lease itself; freeing it twice changes nothing.
    await deps.gateway.releaseQrIssuance({ paymentId: premium.id, lease }).catch(() => undefined);
    throw error;
  }
}
