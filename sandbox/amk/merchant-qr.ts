// The KHQR string AMK returns from qr/generator: a merchant-presented QR (tag 30) for one payment,
// composed from NBC's tag list (tags 00-63) with the sandbox's own TLV writer and CRC.
import { tlv, withCrc } from "../khqr/tlv.ts";
import { CURRENCY_CODE, khqrAmount, type Currency } from "./amount.ts";

/** The parts of the merchant QR the configuration does not name; none is a real account. */
export const SANDBOX_MERCHANT = {
  bakongAccountId: "dlc_sandbox@amkb",
  acquiringBank: "AMK Bank",
  merchantName: "Dai-ichi Life Cambodia",
  merchantCity: "Phnom Penh",
} as const;

export interface MerchantQrInput {
  /** Tag 30.00, `name@bank`. */
  bakongAccountId: string;
  /** Tag 30.01: AMK_MERCHANT_ID, the merchant the KHQR worker checks for. */
  merchantId: string;
  /** Tag 30.02. */
  acquiringBank: string;
  /** Tag 59, at most 25 characters. */
  merchantName: string;
  /** Tag 60, at most 15 characters. */
  merchantCity: string;
  amount: number;
  currency: Currency;
  /** Tag 62.01, at most 25 characters. */
  billNumber: string;
  /** Tags 62.03 and 62.07. */
  storeLabel: string;
  terminalLabel: string;
  /** Tag 99: 13-digit Unix milliseconds; a dynamic QR must carry its expiry. */
  createdAtMs: number;
  expiresAtMs: number;
  /** Tag 01: "12" dynamic (what AMK issues); "11" static only when a test tampers with the QR. */
  initiation?: "11" | "12";
}

export const MAX_BILL_NUMBER_LENGTH = 25;

export function merchantQr(input: MerchantQrInput): string {
  const account = tlv("00", input.bakongAccountId) + tlv("01", input.merchantId) + tlv("02", input.acquiringBank);
  const additionalData =
    tlv("01", atMost("bill number", input.billNumber, MAX_BILL_NUMBER_LENGTH)) +
    tlv("03", input.storeLabel) +
    tlv("07", input.terminalLabel);
  const timestamps = tlv("00", epochMs(input.createdAtMs)) + tlv("01", epochMs(input.expiresAtMs));

  return withCrc(
    tlv("00", "01") +
      tlv("01", input.initiation ?? "12") +
      tlv("30", account) +
      tlv("52", "5999") +
      tlv("53", CURRENCY_CODE[input.currency]) +
      tlv("54", khqrAmount(input.amount)) +
      tlv("58", "KH") +
      tlv("59", atMost("merchant name", input.merchantName, 25)) +
      tlv("60", atMost("merchant city", input.merchantCity, 15)) +
      tlv("62", additionalData) +
      tlv("99", timestamps),
  );
}

function atMost(field: string, value: string, max: number): string {
  const length = Array.from(value).length;
  if (length > max) throw new RangeError(`KHQR ${field} is ${length} characters long; at most ${max} fit`);
  return value;
}

function epochMs(value: number): string {
  const text = String(value);
  if (!/^\d{13}$/.test(text)) throw new RangeError(`KHQR timestamps are 13-digit Unix milliseconds, got ${text}`);
  return text;
}
