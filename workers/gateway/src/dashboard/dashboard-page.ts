// GET /ops/dashboard as one HTML page, rendered on the server from the health report: the alerts
// first (firing or not, with the log field each deployed alert counts), then the figures behind
// them. No script at all; its one inline style carries the response's nonce.
import type { HealthReport } from "#shared/payments/operations-health.ts";
import type { ConnectionReport } from "../connections/connection-check.ts";
import type { PaymentExceptionView } from "./exception-view.ts";
import { barChart, escapeHtml as e } from "./charts.ts";
import { operatorPage, operatorPageHeaders } from "./page-shell.ts";
import { paymentsChart, successChart, verifyLatencyChart } from "./time-charts.ts";

const percent = (value: number | null) => (value === null ? "n/a" : `${(value * 100).toFixed(1)} %`);
const ms = (value: number | null) => (value === null ? "n/a" : `${value} ms`);
// Made once: an Intl.NumberFormat is costly to build. Amounts show up to 2 decimals (`150`, `89.5`).
const COUNT = new Intl.NumberFormat("en-US");
const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const count = (value: number) => COUNT.format(value);
const amount = (value: number) => AMOUNT.format(value);

function alertsSection(report: HealthReport): string {
  const firing = report.alerts.filter((a) => a.firing).length;
  const items = report.alerts.map(
    (a) =>
      `<li class="alert ${a.firing ? "firing" : "quiet"}" data-alert="${e(a.name)}" data-firing="${a.firing}">` +
      `<span class="state">${a.firing ? "FIRING" : "ok"}</span><span class="name">${e(a.name)}</span>` +
      `<span>${e(a.observed)}</span><span class="small">fires on: ${e(a.threshold)}; log: <code>${e(a.logField)}</code></span></li>`,
  );
  return `<section id="alerts" class="wide"><h2>Alerts: ${firing} firing</h2><ul>${items.join("")}</ul></section>`;
}

function successSection(report: HealthReport): string {
  const bars = report.channels.flatMap((c) => [
    {
      label: `${c.channel}, 24 h`,
      value: c.successRate ?? 0,
      text: `${percent(c.successRate)} (${c.booked}/${c.booked + c.refused})`,
      colour: "#2f6fb3",
    },
    {
      label: `${c.channel}, last hour`,
      value: c.recent.successRate ?? 0,
      text: `${percent(c.recent.successRate)} (${c.recent.booked}/${c.recent.booked + c.recent.refused})`,
      colour: "#6a9fd4",
    },
  ]);
  const rows = report.channels
    .map(
      (c) =>
        `<tr data-channel="${c.channel}"><td>${c.channel}</td><td class="n" data-field="booked">${c.booked}</td><td class="n" data-field="refused">${c.refused}</td><td class="n" data-field="success-rate">${percent(c.successRate)}</td></tr>`,
    )
    .join("");
  return (
    `<section id="success-rate"><h2>Success rate per channel</h2>${barChart("Success rate per channel", bars, { max: 1 })}` +
    `<table><tr><th>channel</th><th>booked</th><th>refused</th><th>success</th></tr>${rows}</table>` +
    `<p class="small">KHQR: every report's outcome is on its receipt. BILL: a refusal is recorded only when money was flagged as an amount mismatch; the other bill refusals are in the metrics and the log (<code>"payment":"refused"</code>). A second payment of a premium already paid is neither: it is money to return, under payment exceptions.</p></section>`
  );
}

function timelineSection(report: HealthReport): string {
  return (
    `<section id="over-time" class="wide"><h2>Over the last 24 hours, per 15 minutes (Cambodia time)</h2>` +
    `<h2>Payments booked, by channel</h2>${paymentsChart(report.timeline)}` +
    `<h2>Success rate</h2>${successChart(report.timeline)}` +
    `<h2>AMK payment-verify latency (p95)</h2>${verifyLatencyChart(report.timeline)}` +
    `<p class="small">Success: booked ÷ (booked + refused) over both channels, by the rules of the table below; an empty slot decided nothing. A second payment of a premium already paid is not a refusal: it is money to return, counted under payment exceptions.</p></section>`
  );
}

function volumeSection(report: HealthReport): string {
  const rows = report.volume
    .map(
      (v) =>
        `<tr data-currency="${v.currency}"><td>${v.currency}</td><td class="n" data-field="payments">${count(v.payments)}</td><td class="n" data-field="amount">${amount(v.amount)}</td></tr>`,
    )
    .join("");
  return `<section id="volume"><h2>Volume, last 24 h</h2><table><tr><th>currency</th><th>payments</th><th>amount</th></tr>${rows || `<tr><td colspan="3">no payments</td></tr>`}</table></section>`;
}

function refusalsSection(report: HealthReport): string {
  const bars = report.refusals.map((r) => ({ label: r.reason, value: r.count, text: count(r.count), colour: "#c0692b" }));
  return `<section id="refusals"><h2>Top refusal reasons, last 24 h</h2>${barChart("Top refusal reasons", bars)}</section>`;
}

function exceptionsSection(report: HealthReport, open: readonly PaymentExceptionView[]): string {
  const links = open
    .map(
      (x) =>
        `<tr data-open-exception="${e(x.exceptionId)}"><td><a href="/ops/payments/${x.paymentId}#exception-${e(x.exceptionId)}">${e(x.policyNumber)}</a></td>` +
        `<td>${e(x.kind)}</td><td>${e(x.channel)}</td><td class="n">${e(x.currency)} ${amount(x.amount)}</td><td>${e(x.resolution?.resolution ?? "open")}</td></tr>`,
    )
    .join("");
  return (
    `<section id="exceptions"><h2>Payment exceptions</h2><table>` +
    `<tr><td>open (nobody resolved them)</td><td class="n" data-field="open">${report.exceptions.open}</td></tr>` +
    `<tr><td>refund requested, not yet refunded</td><td class="n" data-field="refund-requested">${report.exceptions.refundRequested}</td></tr>` +
    `<tr><td>second payments flagged in the last 24 h (money to return, not a failure)</td><td class="n" data-field="second-payments">${report.secondPayments}</td></tr>` +
    `</table>` +
    (links
      ? `<h2>To act on</h2><table><tr><th>policy</th><th>kind</th><th>channel</th><th>amount</th><th>state</th></tr>${links}</table>`
      : "") +
    `<p class="small">Follow a policy to its payment's page to record what was done. Tools: <code>GET /ops/exceptions</code>, <code>POST /ops/exceptions/{exceptionId}/resolution</code>.</p></section>`
  );
}

function funnelSection(report: HealthReport): string {
  const f = report.qrFunnel;
  const bars = [
    { label: "issued", value: f.issued, text: count(f.issued), colour: "#2f6fb3" },
    { label: "paid", value: f.paid, text: count(f.paid), colour: "#2e8540" },
    { label: "expired unpaid", value: f.expired, text: count(f.expired), colour: "#c0692b" },
    { label: "still open", value: f.pending, text: count(f.pending), colour: "#8a94a0" },
  ];
  return `<section id="qr-funnel"><h2>KHQR funnel, QRs issued in the last 24 h</h2>${barChart("KHQR funnel", bars, { max: Math.max(1, f.issued) })}</section>`;
}

function outboxSection(report: HealthReport): string {
  const o = report.outbox;
  return (
    `<section id="outbox"><h2>Event outbox</h2><table>` +
    `<tr><td>oldest undelivered event</td><td class="n" data-field="oldest-age">${o.oldestPendingAgeSeconds === null ? "none" : `${o.oldestPendingAgeSeconds} s`}</td></tr>` +
    `<tr><td>backlog (waiting for Kafka)</td><td class="n" data-field="backlog">${o.backlog}</td></tr>` +
    `<tr><td>dead letters</td><td class="n" data-field="dead">${o.dead}</td></tr>` +
    `<tr><td>last successful publish</td><td class="n" data-field="last-published">${e(o.lastPublishedAt ?? "never")}</td></tr>` +
    `</table></section>`
  );
}

function amkSection(report: HealthReport): string {
  const a = report.amkVerify;
  const bars = [
    { label: "p50", value: a.p50Ms ?? 0, text: ms(a.p50Ms) },
    { label: "p95", value: a.p95Ms ?? 0, text: ms(a.p95Ms) },
    { label: "p99", value: a.p99Ms ?? 0, text: ms(a.p99Ms), colour: "#6a4fb3" },
  ];
  const breakers = report.breakers.length
    ? report.breakers
        .map(
          (b) =>
            `<tr data-upstream="${e(b.upstream)}"><td>${e(b.upstream)}</td><td data-field="breaker">${b.state}</td><td class="n">${b.consecutiveFailures} failures in a row</td></tr>`,
        )
        .join("")
    : `<tr><td colspan="3">no outside call from this isolate yet</td></tr>`;
  return (
    `<section id="amk"><h2>AMK payment-verify, last 24 h</h2>${barChart("AMK payment-verify latency", bars)}` +
    `<table><tr><td>calls</td><td class="n" data-field="calls">${a.calls}</td></tr>` +
    `<tr><td>error rate</td><td class="n" data-field="error-rate">${percent(a.errorRate)} (${a.failed})</td></tr>` +
    `<tr><td>error rate, last hour</td><td class="n" data-field="recent-error-rate">${percent(a.recent.errorRate)} (${a.recent.failed} of ${a.recent.calls})</td></tr></table>` +
    `<h2>Circuit breakers</h2><table>${breakers}</table>` +
    `<p class="small">Latency and errors of the calls recorded with KHQR receipts. Breakers are per isolate: this is the state of the isolate that drew this page.</p></section>`
  );
}

export interface DashboardExtras {
  /** Exceptions still to act on (open, or refund requested), newest first, each linked to its payment's page. */
  openExceptions: readonly PaymentExceptionView[];
  /** This gateway's connection check, run for this page (GET /ops/health). */
  connections: ConnectionReport;
}

function connectionsSection(report: ConnectionReport): string {
  const rows = report.connections
    .map(
      (c) =>
        `<tr data-connection="${e(c.name)}" data-ok="${c.ok}"><td>${e(c.name)}</td><td class="${c.ok ? "good" : "bad"}" data-field="verdict">${c.ok ? "ok" : "FAILING"}</td>` +
        `<td class="n" data-field="latency">${c.latencyMs} ms</td><td>${e(c.verdict)} <span class="small">(${e(c.target)})</span></td></tr>`,
    )
    .join("");
  return (
    `<section id="connections" class="wide"><h2>Connections, checked from this gateway now: ${report.ok ? "all ok" : `${report.connections.filter((c) => !c.ok).length} failing`}</h2>` +
    `<table><tr><th>system</th><th>verdict</th><th>latency</th><th>what was found</th></tr>${rows}</table>` +
    `<p class="small">The same check as <code>GET /ops/health</code>: nothing is booked or published.</p></section>`
  );
}

export function renderDashboardPage(report: HealthReport, nonce: string, environment: string, extras: DashboardExtras): string {
  return operatorPage({
    title: "Payments health: AMK Payment Hub",
    heading: "Payments health",
    subtitle: `${e(environment)} · ${e(report.window.since)} to ${e(report.window.now)} (rate alerts judge the last hour) · refreshes every minute`,
    nonce,
    refreshSeconds: 60,
    body:
      `${alertsSection(report)}${connectionsSection(extras.connections)}${timelineSection(report)}${successSection(report)}${volumeSection(report)}${refusalsSection(report)}` +
      `${exceptionsSection(report, extras.openExceptions)}${funnelSection(report)}${outboxSection(report)}${amkSection(report)}`,
  });
}

/** No script at all, nothing from anywhere: only this response's inline style. */
export const dashboardHeaders = (nonce: string) => operatorPageHeaders(nonce);
