// The checks on AMK's KHQR string before a customer sees it (docs/contracts.md). Each refusal
// changes one thing and keeps a valid CRC (buildKhqr writes one), so only that check can refuse it.
import { describe, expect, it } from "vitest";
import { crc16CcittFalse } from "#shared/khqr/crc.ts";
import { checkIssuedKhqr, type IssuedKhqrExpectation } from "#shared/khqr/issued-khqr.ts";
import { buildKhqr, type KhqrMerchantInput } from "#shared/khqr/payload.ts";

const NOW = 1_760_000_000_000;
const base: KhqrMerchantInput = {
  bakongAccountId: "dlc_test@amkb",
  merchantId: "900000000290002",
  acquiringBank: "AMK Bank",
  merchantName: "Dai-ichi Life Cambodia",
  merchantCity: "Phnom Penh",
  amount: 150,
  currency: "USD",
  billNumber: "P123456789",
  createdAtMs: NOW - 60_000,
  expiresAtMs: NOW + 900_000,
};
const expected: IssuedKhqrExpectation = {
  money: { minor: 15000, currency: "USD" },
  billNumber: "P123456789",
  merchantId: "900000000290002",
  nowMs: NOW,
};

/** `text` with a correct CRC, whatever the text says. */
function signed(text: string): string {
  const body = `${text.slice(0, text.lastIndexOf("6304"))}6304`;
  return body + crc16CcittFalse(body);
}

function tlv(tag: string, value: string): string {
  return `${tag}${String(value.length).padStart(2, "0")}${value}`;
}

describe("checkIssuedKhqr: what AMK generated must charge the premium, pay us, be dynamic and unexpired", () => {
  it("accepts a matching dynamic QR for our merchant and reads its expiry", () => {
    expect(checkIssuedKhqr(buildKhqr(base), expected)).toEqual({ ok: true, expiresAt: new Date(NOW + 900_000).toISOString() });
  });

  it("accepts a KHR premium written as whole riel", () => {
    const qr = buildKhqr({ ...base, currency: "KHR", amount: 400000 });
    expect(checkIssuedKhqr(qr, { ...expected, money: { minor: 400000, currency: "KHR" } }).ok).toBe(true);
  });

  it.each([
    ["another amount", { amount: 15 }, "amount tag"],
    ["another currency", { currency: "KHR" as const, amount: 150 }, "currency tag"],
    ["another bill", { billNumber: "P000000001" }, "bill number tag"],
    ["no bill number", { billNumber: undefined }, "bill number tag 62.01 is missing"],
    ["another merchant", { merchantId: "900000000999999" }, "merchant id tag 30.01"],
    ["an expiry in the past", { createdAtMs: NOW - 1_000_000, expiresAtMs: NOW - 1 }, "expired"],
    ["an expiry of exactly now", { createdAtMs: NOW - 1_000_000, expiresAtMs: NOW }, "expired"],
  ])("refuses %s", (_case, change, problem) => {
    const result = checkIssuedKhqr(buildKhqr({ ...base, ...change }), expected);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(problem);
  });

  it("refuses a static QR (tag 01 = 11), even with amount and expiry", () => {
    const result = checkIssuedKhqr(signed(buildKhqr(base).replace("010212", "010211")), expected);
    expect(result).toEqual({ ok: false, problem: 'initiation tag 01 is "11", not dynamic (12)' });
  });

  it("refuses a QR without an expiry, or with one that is not 13-digit milliseconds", () => {
    const qr = buildKhqr(base);
    const timestamps = tlv("99", tlv("00", String(base.createdAtMs)) + tlv("01", String(base.expiresAtMs)));
    const withoutExpiry = signed(qr.replace(timestamps, tlv("99", tlv("00", String(base.createdAtMs)))));
    expect(checkIssuedKhqr(withoutExpiry, expected)).toEqual({ ok: false, problem: "expiry tag 99.01 is missing" });
    const inSeconds = signed(qr.replace(timestamps, tlv("99", tlv("01", String(Math.floor(base.expiresAtMs / 1000))))));
    expect(checkIssuedKhqr(inSeconds, expected).ok).toBe(false);
  });

  it("refuses an individual account (tag 29) in place of, or beside, the merchant account", () => {
    const qr = buildKhqr(base);
    const merchantAccount = qr.slice("000201010212".length, qr.indexOf("5204"));
    const individual = tlv("29", tlv("00", "someone@amkb") + tlv("01", "900000000290002"));
    expect(checkIssuedKhqr(signed(qr.replace(merchantAccount, individual)), expected)).toEqual({
      ok: false,
      problem: "payee account tags 29, expected only 30",
    });
    expect(checkIssuedKhqr(signed(qr.replace(merchantAccount, individual + merchantAccount)), expected)).toEqual({
      ok: false,
      problem: "payee account tags 29,30, expected only 30",
    });
  });

  it("refuses a bad CRC, a missing CRC and text that is not KHQR", () => {
    const qr = buildKhqr(base);
    expect(checkIssuedKhqr(`${qr.slice(0, -4)}0000`, expected)).toEqual({ ok: false, problem: "bad CRC" });
    expect(checkIssuedKhqr(qr.slice(0, -8), expected)).toEqual({ ok: false, problem: "bad CRC" });
    expect(checkIssuedKhqr("hello", expected).ok).toBe(false);
    expect(checkIssuedKhqr("", expected).ok).toBe(false);
  });

  it("refuses an amount written loosely, even when its value matches", () => {
    const qr = buildKhqr(base);
    expect(checkIssuedKhqr(signed(qr.replace("5403150", "54051.5e2")), expected).ok).toBe(false);
    expect(checkIssuedKhqr(signed(qr.replace("5403150", "5406150.00")), expected).ok).toBe(true);
  });
});
