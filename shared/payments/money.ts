// Money is kept as an integer count of the currency's minor unit: cents for USD, riel for KHR
// (KHR has no minor unit in practice). Amounts arrive as JSON numbers, so a value is accepted only
// when its shortest decimal form has no more decimals than the currency allows.

export const CURRENCIES = ["USD", "KHR"] as const;
export type Currency = (typeof CURRENCIES)[number];

const DECIMALS: Record<Currency, number> = { USD: 2, KHR: 0 };
/** Far above any premium; keeps every amount an exact integer in minor units. */
const MAX_MAJOR_UNITS = 1_000_000_000;

export interface Money {
  minor: number;
  currency: Currency;
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

/** Why an amount is not acceptable for a currency, or null when it is. */
export function amountProblem(amount: number, currency: Currency): string | null {
  if (!Number.isFinite(amount) || amount <= 0) return "must be a positive number";
  if (amount > MAX_MAJOR_UNITS) return `must not exceed ${MAX_MAJOR_UNITS}`;
  const decimals = decimalPlaces(amount);
  const allowed = DECIMALS[currency];
  if (decimals > allowed) {
    return allowed === 0 ? `must be a whole number for ${currency}` : `must have at most ${allowed} decimals for ${currency}`;
  }
  return null;
}

export function toMoney(amount: number, currency: Currency): Money {
  const problem = amountProblem(amount, currency);
  if (problem) throw new RangeError(`amount ${amount} ${problem}`);
  return { minor: Math.round(amount * 10 ** DECIMALS[currency]), currency };
}

/** The amount as the JSON number the wire uses (150.00 USD -> 150, 150.5 -> 150.5). */
export function toAmount(money: Money): number {
  return money.minor / 10 ** DECIMALS[money.currency];
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

function decimalPlaces(value: number): number {
  const text = String(value);
  if (text.includes("e")) return Number.POSITIVE_INFINITY; // 1e-7 and the like: never a real amount
  const dot = text.indexOf(".");
  return dot === -1 ? 0 : text.length - dot - 1;
}
