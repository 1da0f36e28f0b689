// The modules of the QR code a customer scans for a KHQR string: one place decides the encoding
// (byte mode over UTF-8, error correction M) for every picture we draw of it, PNG or SVG.
import qrcode from "qrcode-generator";

/** The quiet zone the QR standard asks for around the code, in modules. */
export const QUIET_ZONE = 4;

export interface QrModules {
  /** Modules per side, without the quiet zone. */
  count: number;
  isDark(row: number, col: number): boolean;
}

export function qrModules(text: string): QrModules {
  const qr = qrcode(0, "M");
  // qrcode-generator keeps the low byte of each UTF-16 unit: hand it UTF-8 bytes, one per char,
  // so a Khmer merchant name scans back as the same text.
  qr.addData(binaryString(new TextEncoder().encode(text)), "Byte");
  qr.make();
  return { count: qr.getModuleCount(), isDark: (row, col) => qr.isDark(row, col) };
}

/** One char per byte; in chunks, since spreading a large array overflows the call stack. */
export function binaryString(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let text = "";
  for (let offset = 0; offset < bytes.length; offset += CHUNK) text += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  return text;
}
