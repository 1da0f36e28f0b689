// Reads a QR code back from a base64 PNG, as a phone camera would (fast-png + jsQR, both pure JS).
import { decode } from "fast-png";
import jsQR from "jsqr";

export function decodeQrPng(base64: string): string | undefined {
  const png = decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  const rgba = new Uint8ClampedArray(png.width * png.height * 4);
  for (let i = 0; i < png.width * png.height; i++) {
    const grey = Number(png.data[i * png.channels]);
    rgba.set([grey, grey, grey, 255], i * 4);
  }
  return jsQR(rgba, png.width, png.height)?.data;
}
