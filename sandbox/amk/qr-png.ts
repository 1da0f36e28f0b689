// Renders a QR code as a greyscale PNG, in pure JS so the same code runs in Node (the sandbox)
// and in workerd (the tests that decode it): no canvas, no Buffer.
import { encode } from "fast-png";
import qrcode from "qrcode-generator";

export interface QrPngOptions {
  /** Pixels per module; a few keep the image small yet easy for a phone camera. */
  scale?: number;
  /** Quiet zone in modules; the QR standard asks for 4. */
  margin?: number;
}

export function qrPng(text: string, options: QrPngOptions = {}): Uint8Array {
  const scale = options.scale ?? 6;
  const margin = options.margin ?? 4;
  const qr = qrcode(0, "M");
  // qrcode-generator keeps the low byte of each UTF-16 unit, so hand it UTF-8 bytes one per char:
  // a Khmer merchant name then scans back as the same text.
  qr.addData(binaryString(new TextEncoder().encode(text)), "Byte");
  qr.make();

  const modules = qr.getModuleCount();
  const size = (modules + 2 * margin) * scale;
  const pixels = new Uint8Array(size * size).fill(255);
  for (let row = 0; row < modules; row += 1) {
    for (let col = 0; col < modules; col += 1) {
      if (!qr.isDark(row, col)) continue;
      for (let dy = 0; dy < scale; dy += 1) {
        const start = ((margin + row) * scale + dy) * size + (margin + col) * scale;
        pixels.fill(0, start, start + scale);
      }
    }
  }
  return encode({ width: size, height: size, data: pixels, channels: 1, depth: 8 });
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(binaryString(bytes));
}

/** One char per byte; built in chunks because spreading a large array overflows the call stack. */
function binaryString(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let text = "";
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    text += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return text;
}
