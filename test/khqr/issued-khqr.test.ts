import { describe, expect, it } from "vitest";
import { checkIssuedKhqr } from "#shared/khqr/issued-khqr.ts";
import { buildKhqr } from "#shared/khqr/payload.ts";

const base = {
  bakongAccountId: "dlc_test@amkb",
  merchantId: "900000000290002",
  acquiringBank: "AMK Bank",
  merchantName: "Dai-ichi Life Cambodia",
  merchantCity: "Phnom Penh",
  amount: 150,
  currency: "USD" as const,
  billNumber: "P123456789",
  createdAtMs: 1_760_000_000_000,
  expiresAtMs: 1_760_000_900_000,
};
const expected = { money: { minor: 15000, currency: "USD" as const }, billNumber: "P123456789" };

describe("checkIssuedKhqr: what AMK generated must charge what the premium says", () => {
  it("accepts a matching QR and reads its expiry", () => {
    expect(checkIssuedKhqr(buildKhqr(base), expected)).toEqual({ ok: true, expiresAt: new Date(1_760_000_900_000).toISOString() });
  });

  it.each([
    ["another amount", { amount: 15 }, "amount"],
    ["another currency", { currency: "KHR" as const, amount: 150 }, "currency"],
    ["another bill", { billNumber: "P000000001" }, "bill number"],
  ])("refuses %s", (_case, change, problem) => {
    const result = checkIssuedKhqr(buildKhqr({ ...base, ...change }), expected);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(problem);
  });

  it("refuses a bad CRC and text that is not KHQR", () => {
    const qr = buildKhqr(base);
    expect(checkIssuedKhqr(`${qr.slice(0, -4)}0000`, expected)).toEqual({ ok: false, problem: "bad CRC" });
    expect(checkIssuedKhqr("hello", expected).ok).toBe(false);
  });
});
