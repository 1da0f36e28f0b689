// Issuing a KHQR code for the premium due on a policy: ask the gateway for the premium, have AMK
// generate the QR, check AMK's KHQR string against the premium before any customer sees it, then
// tell the gateway which QR was issued (it records it with its event). The image a customer scans
// is drawn by us from that checked string (qr-png.ts, qr-svg.ts), never AMK's own qrImage.
// While the premium's QR can still be paid, that QR is answered again instead of a new one: every
// QR of a premium carries the same invoice number, and two open ones could both be paid.
import { amkUnknown } from "../amk/amk-errors.ts";
import { bankFor } from "../khqr/banks.ts";
import { checkIssuedKhqr } from "../khqr/issued-khqr.ts";
import { toMoney, type Currency } from "../money.ts";
import type { PremiumDto } from "../premium.ts";
import { rpcCall, type GatewayRpc } from "./gateway-rpc.ts";
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
};

/** An open QR is shown again only while the customer still has this long to pay it. */
export const REUSE_MIN_REMAINING_MS = 2 * 60_000;

export async function issueKhqr(deps: IssueKhqrDeps, request: { bankCode: string | undefined; billNumber: string }): Promise<IssuedKhqr> {
  const bank = bankFor(request.bankCode);
  const { premium, openQr } = await rpcCall(() => deps.gateway.premiumForQr(request.billNumber));
  const nowMs = deps.clock.now().getTime();
  if (openQr && openQr.bankCode === bank.code && Date.parse(openQr.expiresAt) - nowMs >= REUSE_MIN_REMAINING_MS) {
    const again = checkIssuedKhqr(openQr.qrString, {
      money: toMoney(premium.amount, premium.currency),
      billNumber: premium.policyNumber,
      merchantId: deps.merchantId,
      nowMs,
    });
    if (again.ok) return { premium, bankCode: bank.code, qrString: openQr.qrString, expiresAt: openQr.expiresAt };
  }
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
    nowMs,
  });
  if (!check.ok) throw amkUnknown(`qr/generator returned a KHQR we must not show: ${check.problem}`);
  await rpcCall(() =>
    deps.gateway.recordQrIssued({ paymentId: premium.id, bankCode: bank.code, qrString: qr.qrString, expiresAt: check.expiresAt }),
  );
  return { premium, bankCode: bank.code, qrString: qr.qrString, expiresAt: check.expiresAt };
}
