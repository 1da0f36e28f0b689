// Reading the KHQR back from AMK's PNG inside workerd: the colour types and depths a bank's encoder
// may choose all scan to the same text; anything that is not one readable QR code scans to nothing.
import { encode, type ImageData } from "fast-png";
import qrcode from "qrcode-generator";
import { describe, expect, it } from "vitest";
import { decodeQrPng, MAX_QR_IMAGE_SIDE } from "#shared/khqr/qr-image.ts";
import { buildKhqr } from "#shared/khqr/payload.ts";
import { qrPng, toBase64 } from "../../sandbox/amk/qr-png.ts";

const KHQR = buildKhqr({
  bakongAccountId: "dlc_test@amkb",
  merchantId: "900000000290002",
  acquiringBank: "AMK Bank",
  merchantName: "ឌៃអ៊ីឈី ឡាយហ្វ៍",
  merchantCity: "Phnom Penh",
  amount: 89.5,
  currency: "USD",
  billNumber: "P123456789",
  createdAtMs: 1_760_000_000_000,
  expiresAtMs: 1_760_000_900_000,
});

/** One char per UTF-8 byte, as qrcode-generator's byte mode takes it. */
const utf8 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

/** The QR of these bytes (one char each): its dark modules, `scale` pixels each, 4 modules of quiet zone. */
function modules(bytes: string, scale = 4): { size: number; dark: (x: number, y: number) => boolean } {
  const qr = qrcode(0, "M");
  qr.addData(bytes, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const size = (count + 8) * scale;
  const dark = (x: number, y: number) => {
    const [col, row] = [Math.floor(x / scale) - 4, Math.floor(y / scale) - 4];
    return row >= 0 && col >= 0 && row < count && col < count && qr.isDark(row, col);
  };
  return { size, dark };
}

/** A base64 PNG of the QR of `bytes` whose pixels `pixel` writes as `channels` samples of `depth` bits. */
function png(bytes: string, channels: number, depth: 1 | 8 | 16, pixel: (dark: boolean) => number[], extra: Partial<ImageData> = {}) {
  const { size, dark } = modules(bytes);
  const data = depth === 16 ? new Uint16Array(size * size * channels) : new Uint8Array(size * size * channels);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set(pixel(dark(x, y)), (y * size + x) * channels);
  if (depth === 1) return toBase64(encode({ width: size, height: size, channels, depth, data: packBits(data, size), ...extra }));
  return toBase64(encode({ width: size, height: size, channels, depth, data, ...extra }));
}

/** 1-bit rows, packed 8 pixels a byte, each row starting on a byte. */
function packBits(samples: Uint8Array | Uint16Array, size: number): Uint8Array {
  const rowBytes = Math.ceil(size / 8);
  const packed = new Uint8Array(rowBytes * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) if (samples[y * size + x]) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
  return packed;
}

describe("decodeQrPng", () => {
  it("reads the sandbox bank's greyscale PNG, Khmer text included", () => {
    expect(decodeQrPng(toBase64(qrPng(KHQR)))).toBe(KHQR);
  });

  it.each([
    ["RGB", () => png(utf8(KHQR), 3, 8, (d) => (d ? [0, 0, 0] : [255, 255, 255]))],
    ["RGBA, transparent background", () => png(utf8(KHQR), 4, 8, (d) => (d ? [0, 0, 0, 255] : [0, 0, 0, 0]))],
    ["grey + alpha", () => png(utf8(KHQR), 2, 8, (d) => (d ? [0, 255] : [255, 255]))],
    ["16-bit grey", () => png(utf8(KHQR), 1, 16, (d) => [d ? 0 : 65535])],
    ["1-bit grey", () => png(utf8(KHQR), 1, 1, (d) => [d ? 0 : 1])],
    [
      "a palette",
      () =>
        png(utf8(KHQR), 1, 8, (d) => [d ? 1 : 0], {
          palette: [
            [250, 250, 250],
            [20, 20, 60],
          ],
        }),
    ],
  ])("reads %s", (_case, image) => {
    expect(decodeQrPng(image())).toBe(KHQR);
  });

  it("reads base64 with line breaks, as some encoders wrap it", () => {
    const wrapped = toBase64(qrPng(KHQR)).replace(/.{76}/g, "$&\n");
    expect(decodeQrPng(wrapped)).toBe(KHQR);
  });

  it.each([
    ["an empty string", ""],
    ["text that is not base64", "not base64 at all!"],
    ["base64 that is not a PNG", btoa("GIF89a and more bytes than a header needs............")],
    ["a PNG cut short", toBase64(qrPng(KHQR)).slice(0, 200)],
    ["a blank PNG", png("x", 1, 8, () => [255])],
  ])("scans nothing from %s", (_case, base64) => {
    expect(decodeQrPng(base64)).toBeUndefined();
  });

  it("refuses an image wider than it needs to be before decoding it", () => {
    const width = MAX_QR_IMAGE_SIDE + 1;
    const huge = toBase64(encode({ width, height: 21, channels: 1, depth: 8, data: new Uint8Array(width * 21).fill(255) }));
    expect(decodeQrPng(huge)).toBeUndefined();
  });

  it("scans nothing when the code's bytes are not UTF-8", () => {
    expect(decodeQrPng(png("\xff\xfe KHQR", 1, 8, (d) => [d ? 0 : 255]))).toBeUndefined();
  });
});
