// The dashboard's time charts: one column per 15-minute slot over the last 24 hours, drawn on the
// server as inline SVG (no script). Times are labelled in Cambodia time (UTC+7), the operators'.
import type { HealthSlot } from "#shared/payments/operations-health.ts";
import { escapeHtml as e } from "./charts.ts";

const COLUMN = 8;
const LEFT = 8;
const TOP = 22;
const PLOT_HEIGHT = 110;
const AXIS = 20;

export interface Part {
  name: string;
  value: number;
  colour: string;
}

interface Column {
  start: string;
  parts: Part[];
  data: Record<string, string | number>;
}

const cambodiaTime = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(11, 16);

/** Stacked columns scaled to `max`; a tick every 3 hours; the legend and the scale inside the drawing, never clipped. */
function columnChart(title: string, id: string, columns: Column[], options: { max: number; scale: string; legend: Part[] }): string {
  const width = LEFT * 2 + columns.length * COLUMN;
  const height = TOP + PLOT_HEIGHT + AXIS;
  const bottom = TOP + PLOT_HEIGHT;
  const drawn = columns.map((column, i) => {
    const x = LEFT + i * COLUMN;
    let y = bottom;
    const rects = column.parts.map((part) => {
      const h = options.max > 0 ? Math.min(1, Math.max(0, part.value / options.max)) * PLOT_HEIGHT : 0;
      y -= h;
      return h > 0 ? `<rect x="${x}" y="${y.toFixed(1)}" width="${COLUMN - 1}" height="${h.toFixed(1)}" fill="${part.colour}"/>` : "";
    });
    const data = Object.entries(column.data)
      .map(([k, v]) => ` data-${k}="${e(v)}"`)
      .join("");
    const tick =
      i % 12 === 0
        ? `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="#8a94a0"/><text x="${x}" y="${bottom + 16}" font-size="11" fill="#5b6570">${cambodiaTime(column.start)}</text>`
        : "";
    return `<g data-slot="${e(column.start)}"${data}>${rects.join("")}${tick}</g>`;
  });
  let legendX = LEFT;
  const legend = options.legend.map((part) => {
    const item = `<rect x="${legendX}" y="6" width="10" height="10" fill="${part.colour}"/><text x="${legendX + 14}" y="15" font-size="11" fill="#1b1f24">${e(part.name)}</text>`;
    legendX += 24 + part.name.length * 7;
    return item;
  });
  return (
    `<svg id="${e(id)}" class="chart timeline" role="img" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><title>${e(title)}</title>` +
    `<line x1="${LEFT}" y1="${bottom}" x2="${width - LEFT}" y2="${bottom}" stroke="#d8dde3"/>` +
    `${legend.join("")}<text x="${width - LEFT}" y="15" font-size="11" text-anchor="end" fill="#5b6570">top: ${e(options.scale)}</text>` +
    `${drawn.join("")}</svg>`
  );
}

const BILL = "#2f6fb3";
const KHQR = "#2a9d8f";

export function paymentsChart(timeline: HealthSlot[]): string {
  const max = Math.max(1, ...timeline.map((s) => s.booked.BILL + s.booked.KHQR));
  const columns = timeline.map((s) => ({
    start: s.start,
    parts: [
      { name: "BILL", value: s.booked.BILL, colour: BILL },
      { name: "KHQR", value: s.booked.KHQR, colour: KHQR },
    ],
    data: { bill: s.booked.BILL, khqr: s.booked.KHQR },
  }));
  return columnChart("Payments booked per 15 minutes, by channel", "payments-per-slot", columns, {
    max,
    scale: `${max} payments`,
    legend: columns[0]?.parts ?? [],
  });
}

export function successChart(timeline: HealthSlot[]): string {
  const columns = timeline.map((s) => {
    const good = s.successRate !== null && s.successRate >= 0.9;
    return {
      start: s.start,
      parts: s.successRate === null ? [] : [{ name: "success", value: s.successRate, colour: good ? "#2e8540" : "#c62828" }],
      data: {
        "success-rate": s.successRate === null ? "" : s.successRate.toFixed(3),
        refused: s.refused.BILL + s.refused.KHQR,
      },
    };
  });
  return columnChart("Success rate per 15 minutes", "success-per-slot", columns, {
    max: 1,
    scale: "100 %",
    legend: [
      { name: "90 % or more", value: 0, colour: "#2e8540" },
      { name: "below 90 %", value: 0, colour: "#c62828" },
    ],
  });
}

export function verifyLatencyChart(timeline: HealthSlot[]): string {
  const max = Math.max(1, ...timeline.map((s) => s.verifyP95Ms ?? 0));
  const columns = timeline.map((s) => ({
    start: s.start,
    parts: s.verifyP95Ms === null ? [] : [{ name: "p95", value: s.verifyP95Ms, colour: "#6a4fb3" }],
    data: { "verify-p95": s.verifyP95Ms ?? "", "verify-calls": s.verifyCalls },
  }));
  return columnChart("AMK payment-verify p95 latency per 15 minutes", "verify-per-slot", columns, {
    max,
    scale: `${max} ms`,
    legend: [{ name: "p95 of the slot's calls", value: 0, colour: "#6a4fb3" }],
  });
}
