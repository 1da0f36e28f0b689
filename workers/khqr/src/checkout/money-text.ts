// An amount as a customer reads it: the currency code, then the amount with its currency's
// decimals and thousands separators (`USD 89.50`, `KHR 400,000`).
import type { Currency } from "#shared/payments/money.ts";

const DECIMALS: Record<Currency, number> = { USD: 2, KHR: 0 };

export function moneyText(amount: number, currency: Currency): string {
  const [whole = "0", fraction] = amount.toFixed(DECIMALS[currency]).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${currency} ${grouped}${fraction ? `.${fraction}` : ""}`;
}
