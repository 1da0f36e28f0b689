// The sandbox's own payment-verify hash, GMT+7 time strings and amount rules, checked against the
// workers' versions: two independent readings of the contract must agree.
import { describe, expect, it } from "vitest";
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";
import { parseCambodiaDateTime, parseKhqrDatetime } from "#shared/amk/bank-time.ts";
import { amountProblem as productionAmountProblem } from "#shared/payments/money.ts";
import { amountProblem, khqrAmount } from "../../sandbox/amk/amount.ts";
import { amkDateTime, amkDateTimeMicros } from "../../sandbox/amk/cambodia-time.ts";
import { expectedVerifyHash } from "../../sandbox/amk/verify-hash.ts";
import { GOLDEN_HASH, GOLDEN_KEY, VERIFY_FIELDS as FIELDS } from "../support/verify-hash-vectors.ts";

describe("sandbox payment-verify hash", () => {
  it("matches the golden vector and the workers' paymentVerifyHash", async () => {
    // The golden vector (computed with openssl), as the workers' hash test has it.
    expect(await expectedVerifyHash(GOLDEN_KEY, FIELDS)).toBe(GOLDEN_HASH);
    for (const key of [GOLDEN_KEY, "ក-key-ស", "sandbox-hmac-key-not-for-production"]) {
      expect(await expectedVerifyHash(key, FIELDS)).toBe(await paymentVerifyHash(key, FIELDS));
      const other = { ...FIELDS, txId: "ABC-42" };
      expect(await expectedVerifyHash(key, other)).toBe(await paymentVerifyHash(key, other));
    }
  });
});

describe("sandbox GMT+7 time strings", () => {
  it("writes paidAt and paid_datetime seven hours ahead of UTC", () => {
    const instant = Date.UTC(2025, 9, 7, 5, 0, 0, 42);
    expect(amkDateTime(instant)).toBe("2025-10-07 12:00:00");
    expect(amkDateTimeMicros(instant)).toBe("2025-10-07 12:00:00.042000");
    // Past midnight in Phnom Penh while still the previous day in UTC.
    expect(amkDateTime(Date.UTC(2025, 11, 31, 17, 30, 5))).toBe("2026-01-01 00:30:05");
  });

  it("reads back as the same instant with the workers' parsers", () => {
    for (let i = 0; i < 50; i++) {
      const instant = Date.UTC(2024, 0, 1) + Math.floor(Math.random() * 5 * 365 * 86_400_000);
      expect(parseKhqrDatetime(amkDateTimeMicros(instant))).toBe(new Date(instant).toISOString());
      expect(parseCambodiaDateTime(amkDateTime(instant))).toBe(new Date(instant - (instant % 1000)).toISOString());
    }
  });
});

describe("sandbox amount rules", () => {
  it("takes USD with at most 2 decimals and KHR whole, as the workers do", () => {
    const cases: [number, "USD" | "KHR"][] = [
      [150, "USD"],
      [150.1, "USD"],
      [89.5, "USD"],
      [0.29, "USD"],
      [150.01, "USD"],
      [150.001, "USD"],
      [0, "USD"],
      [-1, "USD"],
      [Number.NaN, "USD"],
      [1e-7, "USD"],
      [400000, "KHR"],
      [100.5, "KHR"],
      [0, "KHR"],
    ];
    for (const [amount, currency] of cases) {
      expect(amountProblem(amount, currency) === null, `${amount} ${currency}`).toBe(productionAmountProblem(amount, currency) === null);
    }
  });

  it("writes tag 54 as NBC's SDK does", () => {
    expect(khqrAmount(150)).toBe("150");
    expect(khqrAmount(89.5)).toBe("89.50");
    expect(khqrAmount(0.29)).toBe("0.29");
    expect(khqrAmount(400000)).toBe("400000");
  });
});
