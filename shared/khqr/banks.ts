// The banks a KHQR can be requested for, in one place. Only AMK is bound to a merchant account
// today; the others are known Bakong members we could add, answered with MERCHANT_NOT_BIND.
import * as v from "valibot";
import { PaymentError } from "../payments/errors.ts";

export interface Bank {
  code: string;
  name: string;
  /** Whether Dai-ichi Life has a merchant account bound at this bank. */
  merchantBound: boolean;
}

export const BANKS: readonly Bank[] = [
  { code: "AMK", name: "AMK Microfinance Bank", merchantBound: true },
  { code: "ABA", name: "ABA Bank", merchantBound: false },
  { code: "ACLEDA", name: "ACLEDA Bank", merchantBound: false },
  { code: "WING", name: "Wing Bank", merchantBound: false },
];

const BankCodeObject = v.object({
  id: v.pipe(v.string(), v.nonEmpty()),
  bank: v.pipe(v.string(), v.nonEmpty()),
});

/**
 * The bank a `bankCode` query value names: the spec's JSON object `{"id":"AMK","bank":"AMK"}`
 * or the plain code `AMK`. Malformed: 400; unknown: 404 BANK_NOT_FOUND; unbound: 422.
 */
export function bankFor(bankCode: string | undefined): Bank {
  const code = bankCodeOf(bankCode);
  const bank = BANKS.find((b) => b.code === code.toUpperCase());
  if (!bank) throw new PaymentError("BANK_NOT_FOUND", "Bank not found", { details: `bankCode: ${code}` });
  if (!bank.merchantBound) {
    throw new PaymentError("MERCHANT_NOT_BIND", "No merchant account is bound at this bank", { details: `bankCode: ${bank.code}` });
  }
  return bank;
}

function bankCodeOf(value: string | undefined): string {
  const text = value?.trim() ?? "";
  if (!text) throw badBankCode("bankCode is required");
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badBankCode('bankCode must be a bank code or a JSON object like {"id":"AMK","bank":"AMK"}');
    }
    const result = v.safeParse(BankCodeObject, parsed);
    if (!result.success) throw badBankCode("bankCode object needs non-empty id and bank");
    return result.output.id;
  }
  if (!/^[A-Za-z0-9_]{2,20}$/.test(text)) throw badBankCode("bankCode must be 2-20 letters or digits");
  return text;
}

function badBankCode(details: string): PaymentError {
  return new PaymentError("BAD_REQUEST", "Invalid request parameters", { details });
}
