// Checking a KHQR string AMK generated before it is shown to a customer (docs/contracts.md):
// a QR that would charge another amount, currency or bill than the premium, pay another account,
// be reusable (static) or already expired is never passed on. Pure: `now` is passed in.
import { sameMoney, toMoney, type Money } from "../payments/money.ts";
import { KHQR_CURRENCY_CODE, parseKhqr, type KhqrTags, type ParsedKhqr } from "./payload.ts";

/** What the premium says the QR must charge. */
export interface KhqrCharge {
  money: Money;
  billNumber: string;
}

/** Everything a QR shown to a customer must be: the charge, our merchant, dynamic, unexpired. */
export interface IssuedKhqrExpectation extends KhqrCharge {
  /** AMK_MERCHANT_ID, expected in the merchant account template (tag 30.01). */
  merchantId: string;
  /** Unix milliseconds. */
  nowMs: number;
}

/** The merchant account template. Tag 29 is an individual's account, never Dai-ichi Life's. */
const MERCHANT_ACCOUNT_TAG = "30";
/** EMVCo reserves 02-51 for payee accounts; any besides ours could send the money elsewhere. */
const PAYEE_ACCOUNT_TAGS = /^(0[2-9]|[1-4]\d|5[01])$/;
const DYNAMIC = "12";

/** The full check of §11: use this before a QR reaches anyone. Says `expiresAt` (ISO-8601 UTC). */
export function checkIssuedKhqr(
  qrString: string,
  expected: IssuedKhqrExpectation,
): { ok: true; expiresAt: string } | { ok: false; problem: string } {
  const read = readKhqr(qrString);
  if (!read.ok) return read;
  const { tags } = read.khqr;
  const charge = chargeProblem(tags, expected);
  if (charge) return { ok: false, problem: charge };
  if (tags["00"] !== "01") return { ok: false, problem: `payload format tag 00 is ${show(tags["00"])}` };
  if (tags["01"] !== DYNAMIC) return { ok: false, problem: `initiation tag 01 is ${show(tags["01"])}, not dynamic (12)` };

  const payees = Object.keys(tags).filter((tag) => PAYEE_ACCOUNT_TAGS.test(tag));
  if (payees.length !== 1 || payees[0] !== MERCHANT_ACCOUNT_TAG) {
    return { ok: false, problem: `payee account tags ${payees.join(",") || "none"}, expected only ${MERCHANT_ACCOUNT_TAG}` };
  }
  const merchantId = tags[MERCHANT_ACCOUNT_TAG]?.["01"];
  if (merchantId !== expected.merchantId) return { ok: false, problem: `merchant id tag 30.01 is ${show(merchantId)}` };

  const expiresAtMs = expiryOf(tags);
  if (expiresAtMs === undefined) return { ok: false, problem: `expiry tag 99.01 is ${show(tags["99"]?.["01"])}` };
  if (expiresAtMs <= expected.nowMs) return { ok: false, problem: `expired at ${new Date(expiresAtMs).toISOString()}` };
  return { ok: true, expiresAt: new Date(expiresAtMs).toISOString() };
}

function readKhqr(qrString: string): { ok: true; khqr: ParsedKhqr } | { ok: false; problem: string } {
  let khqr: ParsedKhqr;
  try {
    khqr = parseKhqr(qrString);
  } catch (error) {
    return { ok: false, problem: `not a KHQR string: ${error instanceof Error ? error.message : String(error)}` };
  }
  return khqr.crcValid ? { ok: true, khqr } : { ok: false, problem: "bad CRC" };
}

function chargeProblem(tags: KhqrTags, expected: KhqrCharge): string | undefined {
  if (tags["53"] !== KHQR_CURRENCY_CODE[expected.money.currency]) return `currency tag ${show(tags["53"])}`;
  const amount = tags["54"];
  if (!amount || !/^\d{1,13}(\.\d{1,2})?$/.test(amount) || !sameMoneyText(amount, expected.money)) return `amount tag ${show(amount)}`;
  const billNumber = tags["62"]?.["01"];
  if (billNumber !== expected.billNumber) return `bill number tag 62.01 is ${show(billNumber)}`;
  return undefined;
}

function sameMoneyText(amount: string, money: Money): boolean {
  try {
    return sameMoney(toMoney(Number(amount), money.currency), money);
  } catch {
    return false; // more decimals than the currency has
  }
}

/** Tag 99.01 as Unix milliseconds, when it is the 13 digits KHQR requires. */
function expiryOf(tags: KhqrTags): number | undefined {
  const text = tags["99"]?.["01"];
  return text !== undefined && /^\d{13}$/.test(text) ? Number(text) : undefined;
}

function show(value: string | undefined): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}
