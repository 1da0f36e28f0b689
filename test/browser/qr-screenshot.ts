// Reads a QR code out of a screenshot, as a phone camera would read the screen: fast-png decodes
// the PNG, jsQR finds the code; the text is taken as strict UTF-8.
import { decode } from "fast-png";
import jsQR from "jsqr";

export function qrTextInScreenshot(png: Uint8Array): string | undefined {
  const image = decode(png);
  const { width, height, channels } = image;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Number(image.data[i * channels + (channels >= 3 ? c : 0)]);
    rgba[i * 4 + 3] = 255;
  }
  const found = jsQR(rgba, width, height);
  if (!found) return undefined;
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(found.binaryData));
}
