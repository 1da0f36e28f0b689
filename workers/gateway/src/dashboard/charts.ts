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
/** The label column's least width; a longer label widens it, so no label is ever cut at the left edge. */
const LABEL_WIDTH = 190;
const BAR_WIDTH = 300;
/** A generous width per character at font-size 13 (upper case and digits are the widest). */
const CHAR_WIDTH = 8.5;

/**
 * Horizontal bars scaled to `max` (the largest value when absent). The SVG scales to its box
 * (viewBox), so it reads on a phone as on a wall screen.
 */
export function barChart(title: string, bars: Bar[], options: { max?: number; id?: string } = {}): string {
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  const labelWidth = Math.max(LABEL_WIDTH, ...bars.map((b) => Math.ceil(b.label.length * CHAR_WIDTH) + 16));
  const textWidth = Math.max(110, ...bars.map((b) => Math.ceil(b.text.length * CHAR_WIDTH) + 16));
  const WIDTH = labelWidth + BAR_WIDTH + textWidth;
  const LABEL = labelWidth;
  const rows = bars.map((bar, i) => {
    const y = 4 + i * ROW;
    const width = max > 0 ? Math.max(0, Math.min(1, bar.value / max)) * BAR_WIDTH : 0;
    return (
      `<g data-bar="${escapeHtml(bar.label)}" data-value="${bar.value}">` +
      `<text x="${LABEL - 8}" y="${y + 16}" text-anchor="end" font-size="13" fill="#1b1f24">${escapeHtml(bar.label)}</text>` +
      `<rect x="${LABEL}" y="${y + 3}" width="${BAR_WIDTH}" height="18" fill="#eef1f4"/>` +
      `<rect x="${LABEL}" y="${y + 3}" width="${width.toFixed(1)}" height="18" fill="${bar.colour ?? "#2f6fb3"}"/>` +
      `<text x="${LABEL + BAR_WIDTH + 8}" y="${y + 16}" font-size="13" fill="#1b1f24">${escapeHtml(bar.text)}</text>` +
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
