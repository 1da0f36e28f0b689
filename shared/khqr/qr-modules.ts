// The modules of the QR code a customer scans for a KHQR string: one place decides the encoding
// (byte mode over UTF-8, error correction M) for every picture we draw of it, PNG or SVG.
// paulmillr's `qr` builds it in a fraction of a millisecond; qrcode-generator's mask scoring
// alone took about 4 ms a QR, most of the 5 ms a QR may cost (docs/benchmarks.md).
import encodeQR from "qr";

/** The quiet zone the QR standard asks for around the code, in modules. */
export const QUIET_ZONE = 4;

export interface QrModules {
  /** Modules per side, without the quiet zone. */
  count: number;
  isDark(row: number, col: number): boolean;
}

export function qrModules(text: string): QrModules {
  // Byte mode, whatever the text: the UTF-8 bytes of a Khmer merchant name scan back as the same text.
  const grid = encodeQR(text, "raw", { ecc: "medium", encoding: "byte", border: QUIET_ZONE });
  return { count: grid.length - 2 * QUIET_ZONE, isDark: (row, col) => grid[row + QUIET_ZONE]![col + QUIET_ZONE]! };
}

/** One char per byte; in chunks, since spreading a large array overflows the call stack. */
export function binaryString(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let text = "";
  for (let offset = 0; offset < bytes.length; offset += CHUNK) text += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  return text;
}
