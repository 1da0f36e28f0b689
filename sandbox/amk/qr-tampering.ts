// QR codes with one defect each, for the KHQR worker's security tests (docs/contracts.md: the
// QR a customer is shown must be dynamic, pay the configured merchant and not be expired). Each
// defect changes one thing and keeps a valid CRC, so a test shows which check refused it. The two
// image defects leave the string sound: the worker draws its own PNG, so it must not care.
import { merchantQr, type MerchantQrInput } from "./merchant-qr.ts";

export const QR_DEFECTS = ["other-merchant", "static", "expired", "png-mismatch", "png-garbage"] as const;
export type QrDefect = (typeof QR_DEFECTS)[number];

export function isQrDefect(value: unknown): value is QrDefect {
  return (QR_DEFECTS as readonly unknown[]).includes(value);
}

export interface IssuedQr {
  /** What qr/generator returns as `qrString`. */
  qrString: string;
  /** What the returned `qrImage` encodes; undefined: `qrImage` is not a PNG at all. */
  imageString: string | undefined;
  /** What the string carries in tag 99, so the bank's own expiry agrees with the QR. */
  createdAtMs: number;
  expiresAtMs: number;
}

export function issueQr(input: MerchantQrInput, defect?: QrDefect): IssuedQr {
  const tampered = defect ? tamperedInput(input, defect) : input;
  const qrString = merchantQr(tampered);
  const imageString =
    defect === "png-mismatch"
      ? merchantQr({ ...input, merchantId: otherMerchantId(input.merchantId) })
      : defect === "png-garbage"
        ? undefined
        : qrString;
  return { qrString, imageString, createdAtMs: tampered.createdAtMs, expiresAtMs: tampered.expiresAtMs };
}

function tamperedInput(input: MerchantQrInput, defect: QrDefect): MerchantQrInput {
  switch (defect) {
    case "other-merchant":
      return { ...input, merchantId: otherMerchantId(input.merchantId) };
    case "static":
      // Amount, bill number and expiry stay, so only the initiation method is wrong.
      return { ...input, initiation: "11" };
    case "expired": {
      const lifetime = input.expiresAtMs - input.createdAtMs;
      return { ...input, createdAtMs: input.createdAtMs - 2 * lifetime, expiresAtMs: input.createdAtMs - lifetime };
    }
    case "png-mismatch":
    case "png-garbage":
      return input;
  }
}

/** A merchant id of the same shape that is never the configured one. */
export function otherMerchantId(merchantId: string): string {
  const other = "900000000999999";
  return merchantId === other ? "900000000888888" : other;
}
