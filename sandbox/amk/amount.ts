// Amounts as AMK takes them in qr/generator and writes them in KHQR tag 54: USD with at most two
// decimals, KHR in whole riel (riel has no minor unit in practice).

export type Currency = "USD" | "KHR";

/** KHQR tag 53: ISO 4217 numeric codes. */
export const CURRENCY_CODE: Record<Currency, string> = { USD: "840", KHR: "116" };

export function isCurrency(value: unknown): value is Currency {
  return value === "USD" || value === "KHR";
}

/** Why the bank refuses the amount, or null. Reads the JSON number's shortest decimal form. */
export function amountProblem(amount: number, currency: Currency): string | null {
  if (!Number.isFinite(amount) || amount <= 0) return "must be a positive number";
  // 1e21 or 1e-7 print in exponent form: neither is a premium, and the regexes below refuse them.
  const text = String(amount);
  if (currency === "KHR") return /^\d{1,13}$/.test(text) ? null : "must be whole riel for KHR";
  return /^\d{1,10}(\.\d{1,2})?$/.test(text) ? null : "must have at most 2 decimals for USD";
}

/** Tag 54 as NBC's SDK writes it: whole amounts bare, USD cents with exactly two decimals. */
export function khqrAmount(amount: number): string {
  return Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
}
