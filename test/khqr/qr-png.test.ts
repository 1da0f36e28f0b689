// The PNG GET /khqr answers is drawn by the worker from the checked KHQR string: read back as a
// phone camera would (jsQR), it must be exactly that string, Khmer merchant names included.
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { buildKhqr, type KhqrMerchantInput } from "#shared/khqr/payload.ts";
import { QUIET_ZONE, qrModules } from "#shared/khqr/qr-modules.ts";
import { MODULE_PIXELS, qrPng, qrPngBase64 } from "#shared/khqr/qr-png.ts";
import { decodeQrPng } from "../support/qr-image.ts";

const INPUT: KhqrMerchantInput = {
  bakongAccountId: "dlc_test@amkb",
  merchantId: "900000000290002",
  acquiringBank: "AMK Bank",
  merchantName: "ឌៃអ៊ីឈី ឡាយហ្វ៍",
  merchantCity: "ភ្នំពេញ",
  amount: 89.5,
  currency: "USD",
  billNumber: "P123456789",
  createdAtMs: 1_760_000_000_000,
  expiresAtMs: 1_760_000_900_000,
};
const KHMER_KHQR = buildKhqr(INPUT);

describe("qrPng", () => {
  it("scans back to exactly the KHQR string, with a Khmer merchant name and city", () => {
    expect(KHMER_KHQR).toMatch(/[\u1780-\u17ff]/);
    expect(decodeQrPng(qrPngBase64(KHMER_KHQR))).toBe(KHMER_KHQR);
  });

  it.each([
    ["a Latin merchant name", { merchantName: "Dai-ichi Life", merchantCity: "Phnom Penh" }],
    ["a riel amount", { currency: "KHR" as const, amount: 400_000 }],
    ["a long bill number", { billNumber: "A000000123" }],
  ])("scans back to exactly the KHQR string with %s", (_case, change) => {
    const khqr = buildKhqr({ ...INPUT, ...change });
    expect(decodeQrPng(qrPngBase64(khqr))).toBe(khqr);
  });

  it("draws each string's own code: two strings never scan to the same text", () => {
    const other = buildKhqr({ ...INPUT, amount: 89.51 });
    expect(decodeQrPng(qrPngBase64(other))).toBe(other);
    expect(decodeQrPng(qrPngBase64(other))).not.toBe(KHMER_KHQR);
  });

  it("is a 1-bit greyscale PNG: 8 pixels a module, a white quiet zone of 4 modules, dark finder corners", () => {
    const png = decode(qrPng(KHMER_KHQR));
    const count = qrModules(KHMER_KHQR).count;
    expect(png).toMatchObject({ channels: 1, depth: 1, width: (count + 2 * QUIET_ZONE) * MODULE_PIXELS });
    expect(png.height).toBe(png.width);
    const rowBytes = png.width / 8;
    const pixel = (x: number, y: number) => (png.data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1; // 1 = white
    const quiet = QUIET_ZONE * MODULE_PIXELS;
    for (let i = 0; i < png.width; i += 1) {
      for (const [x, y] of [
        [i, 0],
        [i, quiet - 1],
        [0, i],
        [quiet - 1, i],
        [i, png.width - 1],
        [png.width - 1, i],
      ] as const)
        expect(pixel(x, y), `pixel ${x},${y}`).toBe(1);
    }
    // The three finder patterns' outer corners are dark.
    const far = png.width - quiet - 1;
    for (const [x, y] of [
      [quiet, quiet],
      [far, quiet],
      [quiet, far],
    ] as const)
      expect(pixel(x, y), `pixel ${x},${y}`).toBe(0);
  });

  it("stays small: a few KiB for the API's JSON", () => {
    expect(qrPng(KHMER_KHQR).length).toBeLessThan(8 * 1024);
  });
});
