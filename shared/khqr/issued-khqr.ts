// Checking a KHQR string AMK generated before it is shown to a customer: a QR that would charge
// another amount, currency or bill than the premium is never passed on.
import { amountProblem, sameMoney, toMoney, type Money } from "../money.ts";
import { KHQR_CURRENCY_CODE, parseKhqr, type ParsedKhqr } from "./payload.ts";

export type IssuedKhqrCheck = { ok: true; expiresAt?: string } | { ok: false; problem: string };

export function checkIssuedKhqr(qrString: string, expected: { money: Money; billNumber: string }): IssuedKhqrCheck {
  let parsed: ParsedKhqr;
  try {
    parsed = parseKhqr(qrString);
  } catch (error) {
    return { ok: false, problem: `not a KHQR string: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!parsed.crcValid) return { ok: false, problem: "bad CRC" };
  const { tags } = parsed;
  if (tags["53"] !== KHQR_CURRENCY_CODE[expected.money.currency]) return { ok: false, problem: `currency tag ${tags["53"]}` };
  const amount = Number(tags["54"]);
  if (
    !tags["54"] ||
    amountProblem(amount, expected.money.currency) ||
    !sameMoney(toMoney(amount, expected.money.currency), expected.money)
  ) {
    return { ok: false, problem: `amount tag ${tags["54"]}` };
  }
  const billNumber = tags["62"]?.["01"];
  if (billNumber !== undefined && billNumber !== expected.billNumber) return { ok: false, problem: `bill number tag ${billNumber}` };
  const expires = new Date(Number(tags["99"]?.["01"]));
  return { ok: true, expiresAt: Number.isNaN(expires.getTime()) || !tags["99"]?.["01"] ? undefined : expires.toISOString() };
}
