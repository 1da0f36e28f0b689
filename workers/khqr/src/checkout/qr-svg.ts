// The checkout page's QR image, drawn here from the KHQR string the gateway recorded (the one
// issueKhqr checked), as an SVG data: URL: sharp at any screen size, and the same modules as the
// PNG of GET /khqr (qrModules).
import { QUIET_ZONE as MARGIN, qrModules } from "#shared/khqr/qr-modules.ts";

export function qrSvgDataUrl(text: string): string {
  const qr = qrModules(text);
  const count = qr.count;
  let path = "";
  for (let row = 0; row < count; row += 1) {
    // One rectangle per run of dark modules keeps the path short.
    for (let col = 0; col < count;) {
      if (!qr.isDark(row, col)) {
        col += 1;
        continue;
      }
      let run = 1;
      while (col + run < count && qr.isDark(row, col + run)) run += 1;
      path += `M${col + MARGIN} ${row + MARGIN}h${run}v1h-${run}z`;
      col += run;
    }
  }
  const size = count + 2 * MARGIN;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}
