import { deepStrictEqual, equal } from "node:assert/strict";
import { PaymentError, type ErrorCode } from "#shared/payments/errors.ts";
import { toMoney } from "#shared/payments/money.ts";
import { isFinalRefusal } from "#shared/payments/finality.ts";
import { termDifferences } from "#shared/payments/matching.ts";

const due = { paymentId: 1, policyNumber: "P123456789", money: toMoney(150, "USD") };

Deno.test("matching names every differing field, and compares money exactly in minor units", () => {
  deepStrictEqual(termDifferences(due, { ...due }), []);
  deepStrictEqual(termDifferences(due, { money: toMoney(150.0, "USD") }), []);
  deepStrictEqual(termDifferences(due, { ...due, money: toMoney(149.99, "USD") }), ["amount"]);
  deepStrictEqual(termDifferences(due, { ...due, money: toMoney(150, "KHR") }), ["currency"]);
  deepStrictEqual(termDifferences(due, { paymentId: 2, policyNumber: "P000000000", money: due.money }), ["id", "policyNumber"]);
});

Deno.test("only answers that cannot change are final: no 5xx, no AMK 'not yet'", () => {
  const final = (code: ErrorCode) => isFinalRefusal(new PaymentError(code, "x"));
  equal(final("PAYMENT_VERIFICATION_DATA_MISMATCHED"), true);
  equal(final("DUPLICATE_TRANSACTION"), true);
  equal(final("TRANSACTION_VERIFY_FAILED"), false);
  equal(final("MERCHANT_NOT_BIND"), false);
  equal(final("SERVER_UNAVAILABLE"), false);
  equal(final("AMK_UNKNOWN_ERROR"), false);
  equal(final("INTERNAL_ERROR"), false);
});
