// The operator dashboard's reads of the payment tables (the HealthFactsSource port), written once in
// the SQL both stores speak (the tables have the same columns on D1 and PostgreSQL). Aggregates
// only; each reads the window through a time index (migrations/0006_operations_health.sql).
import { sql, type SQL } from "drizzle-orm";
import type { Currency } from "#shared/payments/money.ts";
import type { HealthFacts, HealthWindow } from "#shared/payments/ports.ts";

/** At most this many verify durations go into the percentiles: the newest. */
const VERIFY_SAMPLE = 5_000;

/**
 * The 15-minute slot of an ISO-8601 UTC text column, as two columns both dialects compute alike:
 * its hour (`2025-10-07T05`) and the quarter's first minute (0, 15, 30, 45).
 */
const slotOf = (column: SQL) =>
  sql`substr(${column}, 1, 13) AS slot_hour, CAST(substr(${column}, 15, 2) AS INTEGER) / 15 * 15 AS slot_minute`;

/** A KHQR report refused because it was a second payment of a premium already paid (flagged in the same write). */
const SECOND_PAYMENT = sql`CASE WHEN r.outcome = 'DUPLICATE_TRANSACTION' AND EXISTS (SELECT 1 FROM payment_exceptions x
    WHERE x.kind = 'DUPLICATE_PAYMENT' AND x.channel = 'KHQR' AND CAST(x.payment_id AS TEXT) = r.invoice_number) THEN 1 ELSE 0 END`;

export function healthQueries(window: HealthWindow): Record<keyof HealthRows, SQL> {
  const since = window.since.toISOString();
  const recent = window.recentSince.toISOString();
  const now = window.now.toISOString();
  return {
    paymentSlots: sql`SELECT channel, ${slotOf(sql.raw("confirmed_at"))}, count(*) AS count
      FROM payments WHERE confirmed_at >= ${since} GROUP BY channel, slot_hour, slot_minute`,
    receiptSlots: sql`SELECT r.outcome AS outcome, ${SECOND_PAYMENT} AS second_payment, ${slotOf(sql.raw("r.received_at"))}, count(*) AS count
      FROM webhook_receipts r WHERE r.received_at >= ${since} GROUP BY r.outcome, second_payment, slot_hour, slot_minute`,
    flaggedSlots: sql`SELECT channel, kind, ${slotOf(sql.raw("recorded_at"))}, count(*) AS count
      FROM payment_exceptions WHERE recorded_at >= ${since} GROUP BY channel, kind, slot_hour, slot_minute`,
    payments: sql`SELECT channel, currency, count(*) AS count, sum(amount_minor) AS amount_minor,
        sum(CASE WHEN confirmed_at >= ${recent} THEN 1 ELSE 0 END) AS recent
      FROM payments WHERE confirmed_at >= ${since} GROUP BY channel, currency`,
    receipts: sql`SELECT r.outcome AS outcome, ${SECOND_PAYMENT} AS second_payment, count(*) AS count,
        sum(CASE WHEN r.received_at >= ${recent} THEN 1 ELSE 0 END) AS recent
      FROM webhook_receipts r WHERE r.received_at >= ${since} GROUP BY r.outcome, second_payment`,
    flagged: sql`SELECT channel, kind, count(*) AS count, sum(CASE WHEN recorded_at >= ${recent} THEN 1 ELSE 0 END) AS recent
      FROM payment_exceptions WHERE recorded_at >= ${since} GROUP BY channel, kind`,
    // Every exception, however old: an unresolved one stays an alert until a person resolves it.
    open: sql`SELECT sum(CASE WHEN latest.resolution IS NULL THEN 1 ELSE 0 END) AS open,
        sum(CASE WHEN latest.resolution = 'refund-requested' THEN 1 ELSE 0 END) AS refund_requested
      FROM payment_exceptions e
      LEFT JOIN payment_exception_resolutions latest ON latest.exception_id = e.exception_id
        AND latest.step = (SELECT max(r.step) FROM payment_exception_resolutions r WHERE r.exception_id = e.exception_id)`,
    funnel: sql`SELECT count(*) AS issued, sum(CASE WHEN p.payment_id IS NOT NULL THEN 1 ELSE 0 END) AS paid,
        sum(CASE WHEN p.payment_id IS NULL AND i.expires_at IS NOT NULL AND i.expires_at < ${now} THEN 1 ELSE 0 END) AS expired
      FROM khqr_issuances i LEFT JOIN payments p ON p.payment_id = i.payment_id WHERE i.issued_at >= ${since}`,
    pending: sql`SELECT count(*) AS backlog, min(created_at) AS oldest FROM event_outbox WHERE published_at IS NULL AND dead_at IS NULL`,
    dead: sql`SELECT count(*) AS dead FROM event_outbox WHERE dead_at IS NOT NULL AND published_at IS NULL`,
    published: sql`SELECT max(published_at) AS last_published FROM event_outbox`,
    // A verify call that recorded no reply never got one (unreachable, timed out, 5xx, circuit open).
    verify: sql`SELECT verify_ms, CASE WHEN verify_reply IS NULL OR outcome = 'AMK_UNKNOWN_ERROR' THEN 1 ELSE 0 END AS failed,
        CASE WHEN received_at >= ${recent} THEN 1 ELSE 0 END AS recent, ${slotOf(sql.raw("received_at"))}
      FROM webhook_receipts WHERE received_at >= ${since} AND verify_ms IS NOT NULL
      ORDER BY received_at DESC LIMIT ${VERIFY_SAMPLE}`,
  };
}

type Count = number | string | null;

/** The rows as either driver returns them: PostgreSQL's counts and sums arrive as text. */
type Slot = { slot_hour: string; slot_minute: Count };

export interface HealthRows {
  payments: { channel: "BILL" | "KHQR"; currency: Currency; count: Count; amount_minor: Count; recent: Count }[];
  receipts: { outcome: string; second_payment: Count; count: Count; recent: Count }[];
  paymentSlots: ({ channel: "BILL" | "KHQR"; count: Count } & Slot)[];
  receiptSlots: ({ outcome: string; second_payment: Count; count: Count } & Slot)[];
  flaggedSlots: ({ channel: "BILL" | "KHQR"; kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH"; count: Count } & Slot)[];
  flagged: { channel: "BILL" | "KHQR"; kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH"; count: Count; recent: Count }[];
  open: { open: Count; refund_requested: Count }[];
  funnel: { issued: Count; paid: Count; expired: Count }[];
  pending: { backlog: Count; oldest: string | null }[];
  dead: { dead: Count }[];
  published: { last_published: string | null }[];
  verify: ({ verify_ms: Count; failed: Count; recent: Count } & Slot)[];
}

const n = (value: Count | undefined) => (value === null || value === undefined ? 0 : Number(value));

/** The slot's start as ISO-8601 UTC: `2025-10-07T05:15:00.000Z`. */
const slot = (row: Slot) => `${row.slot_hour}:${String(n(row.slot_minute)).padStart(2, "0")}:00.000Z`;

export function healthFactsOf(rows: HealthRows): HealthFacts {
  const [open] = rows.open;
  const [funnel] = rows.funnel;
  const [pending] = rows.pending;
  return {
    payments: rows.payments.map((r) => ({
      channel: r.channel,
      currency: r.currency,
      count: n(r.count),
      amountMinor: n(r.amount_minor),
      recent: n(r.recent),
    })),
    receiptOutcomes: rows.receipts.map((r) => ({
      outcome: r.outcome,
      secondPayment: n(r.second_payment) === 1,
      count: n(r.count),
      recent: n(r.recent),
    })),
    exceptionsFlagged: rows.flagged.map((r) => ({ channel: r.channel, kind: r.kind, count: n(r.count), recent: n(r.recent) })),
    exceptionsOpen: { open: n(open?.open), refundRequested: n(open?.refund_requested) },
    qrFunnel: { issued: n(funnel?.issued), paid: n(funnel?.paid), expired: n(funnel?.expired) },
    outbox: {
      backlog: n(pending?.backlog),
      oldestPendingAt: pending?.oldest ?? null,
      dead: n(rows.dead[0]?.dead),
      lastPublishedAt: rows.published[0]?.last_published ?? null,
    },
    verifyCalls: rows.verify.map((r) => ({ ms: n(r.verify_ms), failed: n(r.failed) === 1, recent: n(r.recent) === 1, slot: slot(r) })),
    slots: {
      payments: rows.paymentSlots.map((r) => ({ slot: slot(r), channel: r.channel, count: n(r.count) })),
      receiptOutcomes: rows.receiptSlots.map((r) => ({
        slot: slot(r),
        outcome: r.outcome,
        secondPayment: n(r.second_payment) === 1,
        count: n(r.count),
      })),
      exceptionsFlagged: rows.flaggedSlots.map((r) => ({ slot: slot(r), channel: r.channel, kind: r.kind, count: n(r.count) })),
    },
  };
}

/** The connection check's read (GET /ops/health): one indexed lookup that finds nothing, on the payments table. */
export const probeQuery = sql`SELECT count(*) AS n FROM payments WHERE payment_id = -1`;

/** Runs every query side by side with the store's own executor. */
export async function readHealthFacts(window: HealthWindow, run: (query: SQL) => Promise<unknown[]>): Promise<HealthFacts> {
  const queries = healthQueries(window);
  const names = Object.keys(queries) as (keyof HealthRows)[];
  const results = await Promise.all(names.map((name) => run(queries[name])));
  return healthFactsOf(Object.fromEntries(names.map((name, i) => [name, results[i]])) as unknown as HealthRows);
}
