// Reads the text a QR code image carries, as a phone camera would: the tests' proof that a PNG (ours
// from GET /khqr, the sandbox bank's) scans to exactly its KHQR string. The workers never decode a
// QR. Pure JS (fast-png + jsQR): runs in workerd and Deno.
import { decode, type DecodedPng } from "fast-png";
import jsQRExport from "jsqr";

// jsQR is CommonJS: its default import is the function in every runtime here, but Deno's type
// checker types it as the whole module.
const jsQR = jsQRExport as unknown as typeof import("jsqr").default;

/** Larger images are refused before decoding: a QR needs far fewer pixels, and decoding costs CPU. */
export const MAX_QR_IMAGE_SIDE = 2048;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The text of the one QR code in a base64 PNG, or undefined when there is none or it is not UTF-8. */
export function decodeQrPng(base64: string): string | undefined {
  const bytes = base64Bytes(base64);
  if (!bytes || !acceptableHeader(bytes)) return undefined;
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch {
    return undefined;
  }
  const scanned = jsQR(rgbaOnWhite(png), png.width, png.height);
  if (!scanned) return undefined;
  try {
    // The bytes themselves, strictly UTF-8: jsQR's own `data` falls back to Latin-1 silently.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(scanned.binaryData));
  } catch {
    return undefined;
  }
}

function base64Bytes(base64: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(base64.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** PNG signature, then IHDR: a sane size, and no Adam7 below 8 bits (fast-png misreads those). */
function acceptableHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const interlaced = bytes[28] !== 0;
  if (width < 21 || height < 21 || width > MAX_QR_IMAGE_SIDE || height > MAX_QR_IMAGE_SIDE) return false;
  return !(interlaced && depth < 8);
}

/** Any PNG colour type and depth as the RGBA jsQR reads, transparency flattened onto white. */
function rgbaOnWhite(png: DecodedPng): Uint8ClampedArray {
  const { width, height, channels, depth, palette } = png;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const sample = sampleReader(png);
  const max = (1 << depth) - 1;
  const hasAlpha = !palette && (channels === 2 || channels === 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r: number, g: number, b: number;
      let alpha = 1;
      if (palette) {
        const colour = palette[sample(y, x * channels)] ?? [0, 0, 0];
        [r, g, b] = [colour[0] ?? 0, colour[1] ?? 0, colour[2] ?? 0];
        alpha = (png.transparency?.[sample(y, x * channels)] ?? 255) / 255;
      } else {
        const colourChannels = hasAlpha ? channels - 1 : channels;
        const at = (c: number) => (sample(y, x * channels + c) * 255) / max;
        r = at(0);
        [g, b] = colourChannels >= 3 ? [at(1), at(2)] : [r, r];
        if (hasAlpha) alpha = at(channels - 1) / 255;
      }
      const i = (y * width + x) * 4;
      rgba[i] = r * alpha + 255 * (1 - alpha);
      rgba[i + 1] = g * alpha + 255 * (1 - alpha);
      rgba[i + 2] = b * alpha + 255 * (1 - alpha);
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

/** Sample `index` of row `y`; rows below 8 bits are packed and start on a byte boundary. */
function sampleReader(png: DecodedPng): (y: number, index: number) => number {
  const { width, channels, depth, data } = png;
  if (depth >= 8) return (y, index) => data[y * width * channels + index] ?? 0;
  const bytesPerRow = Math.ceil((depth * channels * width) / 8);
  const mask = (1 << depth) - 1;
  return (y, index) => {
    const bit = index * depth;
    const byte = data[y * bytesPerRow + (bit >> 3)] ?? 0;
    return (byte >> (8 - depth - (bit & 7))) & mask;
  };
}
