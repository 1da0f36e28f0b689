// The sandbox writes its KHQR strings with its own TLV writer and CRC, not the workers' code. These
// tests pin it to NBC's public test vectors and check that the workers' parser reads what it writes.
import { describe, expect, it } from "vitest";
import { crc16CcittFalse as productionCrc } from "#shared/khqr/crc.ts";
import { parseKhqr } from "#shared/khqr/payload.ts";
import { merchantQr, SANDBOX_MERCHANT, type MerchantQrInput } from "../../sandbox/amk/merchant-qr.ts";
import { crc16CcittFalse } from "../../sandbox/khqr/crc16.ts";
import { tlv, withCrc } from "../../sandbox/khqr/tlv.ts";

// NBC's published examples (individual tag 29, merchant tag 30).
const VECTOR_51CF =
  "00020101021229180014jonhsmith@nbcq52045999530384054031.05802KH5910Jonh Smith6010PHNOM PENH62210117INV-2021-07-65822991700131625713467827630451CF";
const VECTOR_ED60 =
  "00020101021230400014jonhsmith@devb01061234560208Dev Bank520459995303840540410.05802KH5910Jonh Smith6010Phnom Penh62360117INV-2021-07-658220211855123456789917001316257134678276304ED60";

const NOW = 1_759_813_200_000;
const INPUT: MerchantQrInput = {
  ...SANDBOX_MERCHANT,
  merchantId: "900000000290002",
  amount: 89.5,
  currency: "USD",
  billNumber: "P123456789",
  storeLabel: "800000000270001",
  terminalLabel: "70000002",
  createdAtMs: NOW,
  expiresAtMs: NOW + 15 * 60 * 1000,
};

describe("sandbox CRC-16/CCITT-FALSE", () => {
  it("gives the catalogue check value for 123456789", () => {
    expect(crc16CcittFalse("123456789")).toBe("29B1");
  });

  it("reproduces the CRCs of both public test vectors", () => {
    expect(crc16CcittFalse(VECTOR_51CF.slice(0, -4))).toBe("51CF");
    expect(crc16CcittFalse(VECTOR_ED60.slice(0, -4))).toBe("ED60");
  });

  it("keeps leading zeros and agrees with the workers' CRC", () => {
    // "x44" has CRC 0x02B3: the case where some public SDKs write "2B3".
    expect(crc16CcittFalse("x44")).toBe("02B3");
    const inputs = Array.from({ length: 2000 }, (_, i) => `KHQR-${i}-ក`);
    const small = inputs.filter((text) => crc16CcittFalse(text).startsWith("0"));
    expect(small.length).toBeGreaterThan(10);
    for (const text of inputs) expect(crc16CcittFalse(text)).toBe(productionCrc(text));
  });
});

describe("sandbox TLV writer", () => {
  it("rebuilds both public test vectors field by field", () => {
    const individual = withCrc(
      tlv("00", "01") +
        tlv("01", "12") +
        tlv("29", tlv("00", "jonhsmith@nbcq")) +
        tlv("52", "5999") +
        tlv("53", "840") +
        tlv("54", "1.0") +
        tlv("58", "KH") +
        tlv("59", "Jonh Smith") +
        tlv("60", "PHNOM PENH") +
        tlv("62", tlv("01", "INV-2021-07-65822")) +
        tlv("99", tlv("00", "1625713467827")),
    );
    expect(individual).toBe(VECTOR_51CF);

    const merchant = withCrc(
      tlv("00", "01") +
        tlv("01", "12") +
        tlv("30", tlv("00", "jonhsmith@devb") + tlv("01", "123456") + tlv("02", "Dev Bank")) +
        tlv("52", "5999") +
        tlv("53", "840") +
        tlv("54", "10.0") +
        tlv("58", "KH") +
        tlv("59", "Jonh Smith") +
        tlv("60", "Phnom Penh") +
        tlv("62", tlv("01", "INV-2021-07-65822") + tlv("02", "85512345678")) +
        tlv("99", tlv("00", "1625713467827")),
    );
    expect(merchant).toBe(VECTOR_ED60);
  });

  it("counts characters, not bytes", () => {
    expect(tlv("59", "ដៃអ៊ិជិ")).toBe(`5907ដៃអ៊ិជិ`);
    expect(() => tlv("59", "x".repeat(100))).toThrow(RangeError);
  });
});

describe("sandbox merchant QR, read by the workers' parser", () => {
  it("is a dynamic merchant KHQR with a valid CRC", () => {
    const parsed = parseKhqr(merchantQr(INPUT));
    expect(parsed.crcValid).toBe(true);
    expect(parsed.tags).toMatchObject({
      "00": "01",
      "01": "12",
      "30": { "00": "dlc_sandbox@amkb", "01": "900000000290002", "02": "AMK Bank" },
      "52": "5999",
      "53": "840",
      "54": "89.50",
      "58": "KH",
      "59": "Dai-ichi Life Cambodia",
      "60": "Phnom Penh",
      "62": { "01": "P123456789", "03": "800000000270001", "07": "70000002" },
      "99": { "00": String(NOW), "01": String(NOW + 15 * 60 * 1000) },
    });
  });

  it("writes KHR whole, whole USD bare, and Khmer text by characters", () => {
    const khr = parseKhqr(merchantQr({ ...INPUT, amount: 400000, currency: "KHR", merchantName: "ដៃអ៊ិជិ ឡាយហ្វ៍", merchantCity: "ភ្នំពេញ" }));
    expect(khr.crcValid).toBe(true);
    expect(khr.tags).toMatchObject({ "53": "116", "54": "400000", "59": "ដៃអ៊ិជិ ឡាយហ្វ៍", "60": "ភ្នំពេញ" });
    expect(parseKhqr(merchantQr({ ...INPUT, amount: 150 })).tags["54"]).toBe("150");
  });

  it("refuses a bill number over 25 characters and a timestamp that is not 13 digits", () => {
    expect(() => merchantQr({ ...INPUT, billNumber: "B".repeat(26) })).toThrow(RangeError);
    expect(() => merchantQr({ ...INPUT, expiresAtMs: 1_000 })).toThrow(RangeError);
  });
});
