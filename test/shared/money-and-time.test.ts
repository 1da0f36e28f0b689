import { describe, expect, it } from "vitest";
import { formatCambodiaDateTime, formatKhqrDatetime, parseKhqrDatetime, parsePaidDate } from "#shared/amk/bank-time.ts";
import { amountProblem, sameMoney, toAmount, toMoney } from "#shared/payments/money.ts";

describe("money", () => {
  it("keeps amounts exact in minor units", () => {
    expect(toMoney(150.0, "USD")).toEqual({ minor: 15000, currency: "USD" });
    expect(toMoney(0.29, "USD").minor).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(toAmount({ minor: 8950, currency: "USD" })).toBe(89.5);
    expect(toMoney(400000, "KHR")).toEqual({ minor: 400000, currency: "KHR" });
  });

  it("refuses amounts the currency cannot hold", () => {
    expect(amountProblem(150.001, "USD")).toMatch(/2 decimals/);
    expect(amountProblem(0.1 + 0.2, "USD")).toMatch(/2 decimals/);
    expect(amountProblem(1000.5, "KHR")).toMatch(/whole/);
    expect(amountProblem(0, "USD")).toMatch(/positive/);
    expect(amountProblem(Number.NaN, "USD")).toMatch(/positive/);
    expect(amountProblem(1e-7, "USD")).toMatch(/decimals/);
    expect(amountProblem(2e9, "USD")).toMatch(/exceed/);
    expect(amountProblem(150.1, "USD")).toBeNull();
  });

  it("compares currency and amount", () => {
    expect(sameMoney(toMoney(150, "USD"), toMoney(150.0, "USD"))).toBe(true);
    expect(sameMoney(toMoney(150, "USD"), toMoney(150, "KHR"))).toBe(false);
  });
});

describe("bank times (GMT+7)", () => {
  it("parses yyyyMMddHHmmss as Cambodian time", () => {
    expect(parsePaidDate("20251007120000")).toBe("2025-10-07T05:00:00.000Z");
    expect(parsePaidDate("20250101030000")).toBe("2024-12-31T20:00:00.000Z");
  });

  it("refuses impossible calendar values instead of rolling them over", () => {
    for (const bad of ["20250230120000", "20251307120000", "20251007240000", "20251007126000", "2025100712000", "2025-10-07"]) {
      expect(parsePaidDate(bad)).toBeNull();
    }
    expect(parsePaidDate("20240229120000")).not.toBeNull();
  });

  it("parses the KHQR webhook's microsecond time", () => {
    expect(parseKhqrDatetime("2025-10-07 12:00:00.123456")).toBe("2025-10-07T05:00:00.123Z");
    expect(parseKhqrDatetime("2025-10-07 12:00:00")).toBeNull();
    expect(parseKhqrDatetime("2025-02-30 12:00:00.000000")).toBeNull();
  });
});

describe("formatting instants as AMK does", () => {
  it("round-trips through the parsers", () => {
    const instant = Date.parse("2025-10-07T05:00:00.123Z");
    expect(formatCambodiaDateTime(instant)).toBe("2025-10-07 12:00:00");
    expect(formatKhqrDatetime(instant)).toBe("2025-10-07 12:00:00.123000");
    expect(parseKhqrDatetime(formatKhqrDatetime(instant))).toBe("2025-10-07T05:00:00.123Z");
  });
});
