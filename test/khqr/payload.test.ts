// KHQR encode and decode. Golden strings were checked outside this code: their CRCs with Python's
// binascii.crc_hqx, and the whole strings with NBC's bakong-khqr 1.0.20 `BakongKHQR.verify`
// (its clock set inside the validity window, since it rejects expired dynamic codes).
import { describe, expect, it } from "vitest";
import { buildKhqr, KhqrError, parseKhqr, type KhqrMerchantInput } from "#shared/khqr/payload.ts";

const VECTOR_51CF =
  "00020101021229180014jonhsmith@nbcq52045999530384054031.05802KH5910Jonh Smith6010PHNOM PENH62210117INV-2021-07-65822991700131625713467827630451CF";
const VECTOR_ED60 =
  "00020101021230400014jonhsmith@devb01061234560208Dev Bank520459995303840540410.05802KH5910Jonh Smith6010Phnom Penh62360117INV-2021-07-658220211855123456789917001316257134678276304ED60";

const INPUT: KhqrMerchantInput = {
  bakongAccountId: "test_merchant@devb",
  merchantId: "123456",
  acquiringBank: "Dev Bank",
  merchantName: "Test Merchant",
  merchantCity: "Phnom Penh",
  amount: 25.5,
  currency: "USD",
  billNumber: "INV-0001",
  createdAtMs: 1759813200000,
  expiresAtMs: 1759814100000,
};

const GOLDEN =
  "00020101021230440018test_merchant@devb01061234560208Dev Bank520459995303840540525.505802KH5913Test Merchant6010Phnom Penh62120108INV-00019934001317598132000000113175981410000063046CC1";
/** The same input with bill number INV-0301, whose CRC is 0x0085. */
const GOLDEN_ZERO_PADDED =
  "00020101021230440018test_merchant@devb01061234560208Dev Bank520459995303840540525.505802KH5913Test Merchant6010Phnom Penh62120108INV-03019934001317598132000000113175981410000063040085";

function expectKhqrError(build: () => unknown, field: string, message: RegExp): void {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(KhqrError);
    expect((error as KhqrError).field).toBe(field);
    expect((error as KhqrError).message).toMatch(message);
    return;
  }
  expect.fail(`expected a KhqrError for ${field}`);
}

describe("parseKhqr on NBC's public vectors", () => {
  it("accepts the CRC of the individual (tag 29) vector", () => {
    const parsed = parseKhqr(VECTOR_51CF);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.crc).toBe("51CF");
    expect(parsed.tags["29"]).toEqual({ "00": "jonhsmith@nbcq" });
    expect(parsed.tags["54"]).toBe("1.0");
    expect(parsed.tags["62"]).toEqual({ "01": "INV-2021-07-65822" });
    expect(parsed.tags["99"]).toEqual({ "00": "1625713467827" });
  });

  it("accepts the CRC of the merchant (tag 30) vector", () => {
    const parsed = parseKhqr(VECTOR_ED60);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.crc).toBe("ED60");
    expect(parsed.tags["30"]).toEqual({ "00": "jonhsmith@devb", "01": "123456", "02": "Dev Bank" });
    expect(parsed.tags["62"]).toEqual({ "01": "INV-2021-07-65822", "02": "85512345678" });
    expect(parsed.tags).toMatchObject({
      "00": "01",
      "01": "12",
      "52": "5999",
      "53": "840",
      "54": "10.0",
      "58": "KH",
      "59": "Jonh Smith",
      "60": "Phnom Penh",
    });
  });

  it("rejects the CRC once any character changes", () => {
    expect(parseKhqr(VECTOR_ED60.replace("10.0", "90.0")).crcValid).toBe(false);
    expect(parseKhqr(VECTOR_ED60.slice(0, -4) + "ED61").crcValid).toBe(false);
  });

  it("accepts a lowercase CRC, as banking apps do", () => {
    expect(parseKhqr(VECTOR_ED60.slice(0, -4) + "ed60").crcValid).toBe(true);
  });
});

describe("buildKhqr", () => {
  it("builds the independently verified golden string", () => {
    expect(buildKhqr(INPUT)).toBe(GOLDEN);
  });

  it("writes a CRC below 0x1000 with its leading zeros", () => {
    const built = buildKhqr({ ...INPUT, billNumber: "INV-0301" });
    expect(built).toBe(GOLDEN_ZERO_PADDED);
    expect(built.endsWith("63040085")).toBe(true);
    expect(parseKhqr(built).crcValid).toBe(true);
  });

  it("round-trips every field through parseKhqr", () => {
    const input: KhqrMerchantInput = {
      ...INPUT,
      merchantCategoryCode: "6300",
      amount: 400000,
      currency: "KHR",
      billNumber: "P123456789",
      mobileNumber: "85512345678",
      storeLabel: "800000000270001",
      terminalLabel: "70000002",
      purposeOfTransaction: "Premium",
    };
    const parsed = parseKhqr(buildKhqr(input));
    expect(parsed.crcValid).toBe(true);
    expect(parsed.tags).toEqual({
      "00": "01",
      "01": "12",
      "30": { "00": "test_merchant@devb", "01": "123456", "02": "Dev Bank" },
      "52": "6300",
      "53": "116",
      "54": "400000",
      "58": "KH",
      "59": "Test Merchant",
      "60": "Phnom Penh",
      "62": { "01": "P123456789", "02": "85512345678", "03": "800000000270001", "07": "70000002", "08": "Premium" },
      "99": { "00": "1759813200000", "01": "1759814100000" },
      "63": parsed.crc,
    });
  });

  it("leaves out tag 62 when there is no additional data", () => {
    const parsed = parseKhqr(buildKhqr({ ...INPUT, billNumber: undefined }));
    expect(parsed.tags["62"]).toBeUndefined();
    expect(parsed.crcValid).toBe(true);
  });

  it("writes amounts as NBC's SDK does", () => {
    const amount = (a: number, currency: "USD" | "KHR") => parseKhqr(buildKhqr({ ...INPUT, amount: a, currency })).tags["54"];
    expect(amount(150, "USD")).toBe("150");
    expect(amount(150.5, "USD")).toBe("150.50");
    expect(amount(0.3, "USD")).toBe("0.30");
    expect(amount(1.05, "USD")).toBe("1.05");
    expect(amount(400000, "KHR")).toBe("400000");
  });

  it("rejects amounts the currency cannot carry", () => {
    expectKhqrError(() => buildKhqr({ ...INPUT, amount: 1.005 }), "amount", /at most 2 decimals/);
    expectKhqrError(() => buildKhqr({ ...INPUT, amount: 100.5, currency: "KHR" }), "amount", /whole number/);
    expectKhqrError(() => buildKhqr({ ...INPUT, amount: 0 }), "amount", /positive/);
    expectKhqrError(() => buildKhqr({ ...INPUT, amount: -5 }), "amount", /positive/);
  });

  it("counts lengths in characters, not bytes", () => {
    const khmerName = "ក".repeat(25); // 75 UTF-8 bytes
    const built = buildKhqr({ ...INPUT, merchantName: khmerName });
    expect(built).toContain(`5925${khmerName}`);
    const parsed = parseKhqr(built);
    expect(parsed.tags["59"]).toBe(khmerName);
    expect(parsed.crcValid).toBe(true);
    expectKhqrError(() => buildKhqr({ ...INPUT, merchantName: "ក".repeat(26) }), "merchantName", /26 characters long; at most 25/);
  });

  it("rejects each over-long field, naming it", () => {
    const cases: [keyof KhqrMerchantInput, number][] = [
      ["merchantName", 25],
      ["merchantCity", 15],
      ["billNumber", 25],
      ["mobileNumber", 25],
      ["storeLabel", 25],
      ["terminalLabel", 25],
      ["purposeOfTransaction", 25],
      ["merchantId", 32],
      ["acquiringBank", 32],
    ];
    for (const [field, max] of cases) {
      expect(() => buildKhqr({ ...INPUT, [field]: "x".repeat(max) })).not.toThrow();
      expectKhqrError(
        () => buildKhqr({ ...INPUT, [field]: "x".repeat(max + 1) }),
        field,
        new RegExp(`${max + 1} characters long; at most ${max} allowed`),
      );
    }
    expect(() => buildKhqr({ ...INPUT, bakongAccountId: `${"a".repeat(27)}@devb` })).not.toThrow();
    expectKhqrError(
      () => buildKhqr({ ...INPUT, bakongAccountId: `${"a".repeat(28)}@devb` }),
      "bakongAccountId",
      /33 characters long; at most 32/,
    );
  });

  it("rejects a missing required field and a malformed Bakong account", () => {
    expectKhqrError(() => buildKhqr({ ...INPUT, merchantName: "" }), "merchantName", /required/);
    expectKhqrError(() => buildKhqr({ ...INPUT, bakongAccountId: "no-at-sign" }), "bakongAccountId", /name@bank/);
    expectKhqrError(() => buildKhqr({ ...INPUT, merchantCategoryCode: "59" }), "merchantCategoryCode", /4 digits/);
    expectKhqrError(() => buildKhqr({ ...INPUT, currency: "EUR" as "USD" }), "currency", /USD or KHR/);
  });

  it("requires 13-digit timestamps and an expiry after creation", () => {
    expectKhqrError(() => buildKhqr({ ...INPUT, createdAtMs: 175981320000 }), "createdAtMs", /13 digits/);
    expectKhqrError(() => buildKhqr({ ...INPUT, expiresAtMs: 1759814100000.5 }), "expiresAtMs", /13 digits/);
    expectKhqrError(() => buildKhqr({ ...INPUT, expiresAtMs: INPUT.createdAtMs }), "expiresAtMs", /after createdAtMs/);
  });
});

describe("parseKhqr on malformed input", () => {
  it("throws when a length runs past the end", () => {
    expect(() => parseKhqr("000201010212305")).toThrow(KhqrError);
    expect(() => parseKhqr("0002010105")).toThrow(/declares 5 characters but only 0 remain/);
  });

  it("throws when a header is not digits", () => {
    expect(() => parseKhqr("000201AB0212")).toThrow(/2-digit tag and 2-digit length/);
  });

  it("throws on a malformed template and on a repeated tag", () => {
    expect(() => parseKhqr("000201300500020")).toThrow(/KHQR tag 30: tag 00 declares 2 characters but only 1 remain/);
    expect(() => parseKhqr("000201000201")).toThrow(/more than once/);
  });

  it("reports a missing or misplaced CRC as invalid rather than throwing", () => {
    const withoutCrc = VECTOR_ED60.slice(0, VECTOR_ED60.indexOf("6304"));
    expect(parseKhqr(withoutCrc)).toMatchObject({ crc: undefined, crcValid: false });
    const crcNotLast = `${VECTOR_ED60}0102AB`;
    expect(() => parseKhqr(crcNotLast)).toThrow(/more than once/);
    const crcInMiddle = VECTOR_ED60.replace("5802KH", "").replace("6304ED60", "6304ED605802KH");
    expect(parseKhqr(crcInMiddle).crcValid).toBe(false);
  });
});
