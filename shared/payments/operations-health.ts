// Whether payments are healthy, at a glance: the operator dashboard's figures and the alert rules
// (docs/operations.md), computed from what the records hold. Pure: the facts and `now` come in.
import { toAmount, type Currency } from "./money.ts";
import type { HealthFacts, HealthWindow } from "./ports.ts";

/** The dashboard's window, and the recent part of it that the rate alerts judge. */
export const HEALTH_WINDOW_MS = 24 * 60 * 60_000;
export const RECENT_WINDOW_MS = 60 * 60_000;

/** The time charts' slot: 15 minutes, 96 of them over the window. */
export const SLOT_MS = 15 * 60_000;
export const SLOTS = HEALTH_WINDOW_MS / SLOT_MS;

export function healthWindow(now: Date): HealthWindow {
  return { since: new Date(now.getTime() - HEALTH_WINDOW_MS), recentSince: new Date(now.getTime() - RECENT_WINDOW_MS), now };
}

/**
 * The alert rules, with their thresholds. Each names the log field that Workers Observability
 * counts for it (`alert` lines, or the per-call `upstream` lines), so the deployed alert and the
 * dashboard's "firing" read the same condition.
 */
export const ALERT_RULES = {
  /** The oldest event not yet on Kafka has waited longer than this. */
  outboxLagSeconds: 5 * 60,
  /** Any dead-lettered event. */
  deadLetters: 1,
  /** Any payment exception nobody has resolved (or whose refund is not yet done). */
  openExceptions: 1,
  /** AMK payment-verify failing more than this share of calls in the last hour... */
  amkErrorRate: 0.2,
  /** ...over at least this many calls. */
  amkMinCalls: 5,
  /** A channel's success rate in the last hour below this... */
  successRate: 0.9,
  /** ...over at least this many decided payments. */
  successMinDecisions: 10,
} as const;

export type AlertName = "outbox-lag" | "event-dead-lettered" | "payment-exception" | "amk-error-rate" | "success-rate-drop";

export interface AlertState {
  name: AlertName;
  firing: boolean;
  /** What the rule sees now, in words. */
  observed: string;
  /** The threshold, in words. */
  threshold: string;
  /** The log line Workers Observability alerts count (docs/operations.md). */
  logField: string;
}

export interface ChannelHealth {
  channel: "BILL" | "KHQR";
  booked: number;
  refused: number;
  /** booked / (booked + refused), null with nothing decided. */
  successRate: number | null;
  recent: { booked: number; refused: number; successRate: number | null };
}

/** One 15-minute slot of the time charts. */
export interface HealthSlot {
  /** Its start, ISO-8601 UTC. */
  start: string;
  booked: { BILL: number; KHQR: number };
  refused: { BILL: number; KHQR: number };
  /** Booked ÷ (booked + refused) over both channels; null with nothing decided. */
  successRate: number | null;
  verifyCalls: number;
  /** Nearest-rank p95 of the slot's AMK payment-verify calls; null without a call. */
  verifyP95Ms: number | null;
}

export interface HealthReport {
  window: { since: string; recentSince: string; now: string };
  channels: ChannelHealth[];
  /** The last 24 hours, oldest slot first. */
  timeline: HealthSlot[];
  /** Second payments of premiums already paid, flagged in the window: money to return, not a failure of ours. */
  secondPayments: number;
  volume: { currency: Currency; payments: number; amount: number }[];
  refusals: { reason: string; count: number }[];
  exceptions: { open: number; refundRequested: number };
  qrFunnel: { issued: number; paid: number; expired: number; pending: number };
  outbox: { backlog: number; oldestPendingAgeSeconds: number | null; dead: number; lastPublishedAt: string | null };
  amkVerify: {
    calls: number;
    failed: number;
    errorRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    recent: { calls: number; failed: number; errorRate: number | null };
  };
  breakers: { upstream: string; state: "closed" | "open" | "half-open"; consecutiveFailures: number }[];
  alerts: AlertState[];
}

/** Outcomes of a KHQR report that are not a refusal: booked, a replay of an earlier answer, a non-SUCCESS report acknowledged. */
const NOT_DECIDED = new Set(["REPLAYED", "ACKNOWLEDGED"]);

/**
 * A report we refused: not booked, not a replay or an acknowledgement, and not a second payment of
 * a premium already paid (the bank's, flagged as money to return: shown under exceptions).
 */
const refusedReport = (r: { outcome: string; secondPayment: boolean }) =>
  r.outcome !== "CONFIRMED" && !NOT_DECIDED.has(r.outcome) && !r.secondPayment;

/** A flagged bill payment we count as refused: not a second payment (the only other kind is a mismatch). */
const refusedBill = (e: { channel: "BILL" | "KHQR"; kind: string }) => e.channel === "BILL" && e.kind !== "DUPLICATE_PAYMENT";

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The nearest-rank percentile of sorted values (null for none). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function assessHealth(facts: HealthFacts, window: HealthWindow, breakers: HealthReport["breakers"] = []): HealthReport {
  const channels = channelHealth(facts);
  const durations = facts.verifyCalls.map((c) => c.ms).sort((a, b) => a - b);
  const recentCalls = facts.verifyCalls.filter((c) => c.recent);
  const failed = facts.verifyCalls.filter((c) => c.failed).length;
  const recentFailed = recentCalls.filter((c) => c.failed).length;
  const oldest = facts.outbox.oldestPendingAt;
  const report: Omit<HealthReport, "alerts"> = {
    window: { since: window.since.toISOString(), recentSince: window.recentSince.toISOString(), now: window.now.toISOString() },
    channels,
    timeline: timeline(facts, window),
    secondPayments: sum(facts.exceptionsFlagged.filter((e) => e.kind === "DUPLICATE_PAYMENT").map((e) => e.count)),
    volume: volume(facts),
    refusals: refusals(facts),
    exceptions: { ...facts.exceptionsOpen },
    qrFunnel: {
      ...facts.qrFunnel,
      pending: Math.max(0, facts.qrFunnel.issued - facts.qrFunnel.paid - facts.qrFunnel.expired),
    },
    outbox: {
      backlog: facts.outbox.backlog,
      oldestPendingAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((window.now.getTime() - Date.parse(oldest)) / 1000)),
      dead: facts.outbox.dead,
      lastPublishedAt: facts.outbox.lastPublishedAt,
    },
    amkVerify: {
      calls: durations.length,
      failed,
      errorRate: rate(failed, durations.length),
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      p99Ms: percentile(durations, 99),
      recent: { calls: recentCalls.length, failed: recentFailed, errorRate: rate(recentFailed, recentCalls.length) },
    },
    breakers,
  };
  return { ...report, alerts: alerts(report) };
}

function channelHealth(facts: HealthFacts): ChannelHealth[] {
  return (["BILL", "KHQR"] as const).map((channel) => {
    const paid = facts.payments.filter((p) => p.channel === channel);
    const booked = sum(paid.map((p) => p.count));
    const bookedRecent = sum(paid.map((p) => p.recent));
    // KHQR refusals are on its receipts; a bill refusal is recorded only when money was flagged.
    const refusedRows = channel === "KHQR" ? facts.receiptOutcomes.filter(refusedReport) : facts.exceptionsFlagged.filter(refusedBill);
    const refused = sum(refusedRows.map((r) => r.count));
    const refusedRecent = sum(refusedRows.map((r) => r.recent));
    return {
      channel,
      booked,
      refused,
      successRate: rate(booked, booked + refused),
      recent: { booked: bookedRecent, refused: refusedRecent, successRate: rate(bookedRecent, bookedRecent + refusedRecent) },
    };
  });
}

function volume(facts: HealthFacts): HealthReport["volume"] {
  const byCurrency = new Map<Currency, { payments: number; minor: number }>();
  for (const p of facts.payments) {
    const entry = byCurrency.get(p.currency) ?? { payments: 0, minor: 0 };
    byCurrency.set(p.currency, { payments: entry.payments + p.count, minor: entry.minor + p.amountMinor });
  }
  return [...byCurrency]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { payments, minor }]) => ({ currency, payments, amount: toAmount({ minor, currency }) }));
}

/** The most frequent reasons money was not booked: KHQR refusals by code, flagged bill payments by kind. */
function refusals(facts: HealthFacts): HealthReport["refusals"] {
  const reasons = [
    ...facts.receiptOutcomes.filter(refusedReport).map((r) => ({ reason: `KHQR ${r.outcome}`, count: r.count })),
    ...facts.exceptionsFlagged.filter(refusedBill).map((e) => ({ reason: `BILL ${e.kind}`, count: e.count })),
  ];
  const merged = new Map<string, number>();
  for (const r of reasons) merged.set(r.reason, (merged.get(r.reason) ?? 0) + r.count);
  return [...merged]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, 5);
}

/** The 96 slots ending with the one `now` is in, each with the same rules as the day's figures. */
function timeline(facts: HealthFacts, window: HealthWindow): HealthSlot[] {
  const last = Math.floor(window.now.getTime() / SLOT_MS) * SLOT_MS;
  const slots = new Map<string, HealthSlot & { durations: number[] }>();
  for (let i = SLOTS - 1; i >= 0; i -= 1) {
    const start = new Date(last - i * SLOT_MS).toISOString();
    slots.set(start, {
      start,
      booked: { BILL: 0, KHQR: 0 },
      refused: { BILL: 0, KHQR: 0 },
      successRate: null,
      verifyCalls: 0,
      verifyP95Ms: null,
      durations: [],
    });
  }
  for (const p of facts.slots.payments) {
    const slot = slots.get(p.slot);
    if (slot) slot.booked[p.channel] += p.count;
  }
  for (const r of facts.slots.receiptOutcomes.filter(refusedReport)) {
    const slot = slots.get(r.slot);
    if (slot) slot.refused.KHQR += r.count;
  }
  for (const e of facts.slots.exceptionsFlagged.filter(refusedBill)) {
    const slot = slots.get(e.slot);
    if (slot) slot.refused.BILL += e.count;
  }
  for (const call of facts.verifyCalls) slots.get(call.slot)?.durations.push(call.ms);
  return [...slots.values()].map(({ durations, ...slot }) => {
    const booked = slot.booked.BILL + slot.booked.KHQR;
    const decided = booked + slot.refused.BILL + slot.refused.KHQR;
    durations.sort((a, b) => a - b);
    return { ...slot, successRate: rate(booked, decided), verifyCalls: durations.length, verifyP95Ms: percentile(durations, 95) };
  });
}

function alerts(report: Omit<HealthReport, "alerts">): AlertState[] {
  const rules = ALERT_RULES;
  const age = report.outbox.oldestPendingAgeSeconds;
  const amk = report.amkVerify.recent;
  const dropped = report.channels.filter(
    (c) =>
      c.recent.booked + c.recent.refused >= rules.successMinDecisions &&
      c.recent.successRate !== null &&
      c.recent.successRate < rules.successRate,
  );
  const percent = (value: number | null) => (value === null ? "n/a" : `${(value * 100).toFixed(1)} %`);
  return [
    {
      name: "outbox-lag",
      firing: age !== null && age > rules.outboxLagSeconds,
      observed: age === null ? "nothing waiting" : `oldest pending event ${age} s old (${report.outbox.backlog} waiting)`,
      threshold: `oldest pending event older than ${rules.outboxLagSeconds / 60} minutes`,
      logField: '"alert":"outbox-lag"',
    },
    {
      name: "event-dead-lettered",
      firing: report.outbox.dead >= rules.deadLetters,
      observed: `${report.outbox.dead} dead-lettered`,
      threshold: "any dead-lettered event",
      logField: '"alert":"event-dead-lettered"',
    },
    {
      name: "payment-exception",
      firing: report.exceptions.open + report.exceptions.refundRequested >= rules.openExceptions,
      observed: `${report.exceptions.open} open, ${report.exceptions.refundRequested} awaiting refund`,
      threshold: "any payment exception not resolved",
      logField: '"alert":"payment-exception"',
    },
    {
      name: "amk-error-rate",
      firing: amk.calls >= rules.amkMinCalls && amk.errorRate !== null && amk.errorRate > rules.amkErrorRate,
      observed: `${amk.failed} of ${amk.calls} verify calls failed in the last hour (${percent(amk.errorRate)})`,
      threshold: `more than ${rules.amkErrorRate * 100} % of at least ${rules.amkMinCalls} calls in an hour`,
      logField: '"upstream":"amk-payment-verify","ok":false',
    },
    {
      name: "success-rate-drop",
      firing: dropped.length > 0,
      observed: report.channels
        .map((c) => `${c.channel} ${percent(c.recent.successRate)} of ${c.recent.booked + c.recent.refused}`)
        .join(", "),
      threshold: `a channel below ${rules.successRate * 100} % over at least ${rules.successMinDecisions} payments in an hour`,
      logField: '"payment":"refused" or "failed" (bank routes)',
    },
  ];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
