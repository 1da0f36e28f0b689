// The PNG a customer scans, drawn by us from the KHQR string issueKhqr checked (docs/contracts.md):
// right by construction, so nothing has to read it back. 1-bit greyscale at 8 pixels a module makes
// each module one byte of a row, and keeps the image small (about 1 KiB) and cheap to compress.
import { encode } from "fast-png";
import { binaryString, QUIET_ZONE, qrModules } from "./qr-modules.ts";

/** Pixels per module: a phone reads it easily off a screen, and at 1 bit a pixel one module is one byte. */
export const MODULE_PIXELS = 8;

/** The QR code of `text` as PNG bytes: black on white, with the standard quiet zone. */
export function qrPng(text: string): Uint8Array {
  const modules = qrModules(text);
  const side = modules.count + 2 * QUIET_ZONE; // modules, and bytes per pixel row
  const pixels = new Uint8Array(side * side * MODULE_PIXELS).fill(0xff); // 1 = white
  for (let row = 0; row < modules.count; row += 1) {
    const top = (QUIET_ZONE + row) * MODULE_PIXELS;
    for (let col = 0; col < modules.count; col += 1) {
      if (!modules.isDark(row, col)) continue;
      for (let y = top; y < top + MODULE_PIXELS; y += 1) pixels[y * side + QUIET_ZONE + col] = 0;
    }
  }
  const width = side * MODULE_PIXELS;
  return encode({ width, height: width, channels: 1, depth: 1, data: pixels });
}

/** The same PNG in Base64, as the API's `qrCode` carries it. */
export function qrPngBase64(text: string): string {
  return btoa(binaryString(qrPng(text)));
}
