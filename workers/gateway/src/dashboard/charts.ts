// The dashboard's charts, drawn on the server as inline SVG: no script, no library, nothing fetched.
// Colours are presentation attributes (not style attributes), so the page's CSP needs no 'unsafe-inline'.

export const escapeHtml = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface Bar {
  label: string;
  value: number;
  /** What the bar's end says (the value formatted). */
  text: string;
  colour?: string;
}

const ROW = 26;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 300;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + 110;

/**
 * Horizontal bars scaled to `max` (the largest value when absent). The SVG scales to its box
 * (viewBox), so it reads on a phone as on a wall screen.
 */
export function barChart(title: string, bars: Bar[], options: { max?: number; id?: string } = {}): string {
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  const rows = bars.map((bar, i) => {
    const y = 4 + i * ROW;
    const width = max > 0 ? Math.max(0, Math.min(1, bar.value / max)) * BAR_WIDTH : 0;
    return (
      `<g data-bar="${escapeHtml(bar.label)}" data-value="${bar.value}">` +
      `<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end" font-size="13" fill="#1b1f24">${escapeHtml(bar.label)}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${BAR_WIDTH}" height="18" fill="#eef1f4"/>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="18" fill="${bar.colour ?? "#2f6fb3"}"/>` +
      `<text x="${LABEL_WIDTH + BAR_WIDTH + 8}" y="${y + 16}" font-size="13" fill="#1b1f24">${escapeHtml(bar.text)}</text>` +
      `</g>`
    );
  });
  const empty = bars.length === 0 ? `<text x="8" y="20" font-size="13" fill="#5b6570">nothing recorded</text>` : "";
  const id = options.id ? ` id="${escapeHtml(options.id)}"` : "";
  return (
    `<svg${id} class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>${rows.join("")}${empty}</svg>`
  );
}
