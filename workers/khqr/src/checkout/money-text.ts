// An amount as a customer reads it: the currency code, then the amount with its currency's
// decimals and thousands separators (`USD 89.50`, `KHR 400,000`).
import type { Currency } from "#shared/payments/money.ts";

// Plain numbers, not style "currency": that would put a no-break space after the code, and give KHR two decimals.
const FORMATS: Record<Currency, Intl.NumberFormat> = {
  USD: new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  KHR: new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }),
};

export function moneyText(amount: number, currency: Currency): string {
  return `${currency} ${FORMATS[currency].format(amount)}`;
}
