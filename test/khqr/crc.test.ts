// CRC-16/CCITT-FALSE as KHQR tag 63 uses it. Expected values were computed independently
// (Python binascii.crc_hqx with init 0xFFFF) and from NBC's published vectors.
import { describe, expect, it } from "vitest";
import { crc16CcittFalse } from "#shared/khqr/crc.ts";

const VECTOR_51CF =
  "00020101021229180014jonhsmith@nbcq52045999530384054031.05802KH5910Jonh Smith6010PHNOM PENH62210117INV-2021-07-65822991700131625713467827630451CF";
const VECTOR_ED60 =
  "00020101021230400014jonhsmith@devb01061234560208Dev Bank520459995303840540410.05802KH5910Jonh Smith6010Phnom Penh62360117INV-2021-07-658220211855123456789917001316257134678276304ED60";

describe("crc16CcittFalse", () => {
  it("gives the catalogued check value for 123456789", () => {
    expect(crc16CcittFalse("123456789")).toBe("29B1");
  });

  it("returns the initial value for empty input", () => {
    expect(crc16CcittFalse("")).toBe("FFFF");
  });

  it("reproduces the CRCs of NBC's public KHQR vectors", () => {
    expect(crc16CcittFalse(VECTOR_51CF.slice(0, -4))).toBe("51CF");
    expect(crc16CcittFalse(VECTOR_ED60.slice(0, -4))).toBe("ED60");
  });

  it("keeps leading zeros: always 4 digits", () => {
    expect(crc16CcittFalse("HM")).toBe("0003");
    expect(crc16CcittFalse("JAF")).toBe("000F");
  });

  it("is uppercase hex", () => {
    expect(crc16CcittFalse("Dai-ichi ឡាយហ្វ៍")).toBe("AAF7");
  });

  it("runs over UTF-8 bytes, not UTF-16 code units", () => {
    // U+1780 is E1 9E 80 in UTF-8; over the code unit 0x1780 the result would differ.
    expect(crc16CcittFalse("ក")).toBe("F1F1");
  });
});
