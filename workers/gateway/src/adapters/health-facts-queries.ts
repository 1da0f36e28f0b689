// The operator dashboard's reads of the payment tables (the HealthFactsSource port), written once in
// the SQL both stores speak (the tables have the same columns on D1 and PostgreSQL). Aggregates
// only; each reads the window through a time index (migrations/0006_operations_health.sql).
import { sql, type SQL } from "drizzle-orm";
import type { Currency } from "#shared/money.ts";
import type { HealthFacts, HealthWindow } from "#shared/payments/ports.ts";

/** At most this many verify durations go into the percentiles: the newest. */
const VERIFY_SAMPLE = 5_000;

export function healthQueries(window: HealthWindow): Record<keyof HealthRows, SQL> {
  const since = window.since.toISOString();
  const recent = window.recentSince.toISOString();
  const now = window.now.toISOString();
  return {
    payments: sql`SELECT channel, currency, count(*) AS count, sum(amount_minor) AS amount_minor,
        sum(CASE WHEN confirmed_at >= ${recent} THEN 1 ELSE 0 END) AS recent
      FROM payments WHERE confirmed_at >= ${since} GROUP BY channel, currency`,
    receipts: sql`SELECT outcome, count(*) AS count, sum(CASE WHEN received_at >= ${recent} THEN 1 ELSE 0 END) AS recent
      FROM webhook_receipts WHERE received_at >= ${since} GROUP BY outcome`,
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
        CASE WHEN received_at >= ${recent} THEN 1 ELSE 0 END AS recent
      FROM webhook_receipts WHERE received_at >= ${since} AND verify_ms IS NOT NULL
      ORDER BY received_at DESC LIMIT ${VERIFY_SAMPLE}`,
  };
}

type Count = number | string | null;

/** The rows as either driver returns them: PostgreSQL's counts and sums arrive as text. */
export interface HealthRows {
  payments: { channel: "BILL" | "KHQR"; currency: Currency; count: Count; amount_minor: Count; recent: Count }[];
  receipts: { outcome: string; count: Count; recent: Count }[];
  flagged: { channel: "BILL" | "KHQR"; kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH"; count: Count; recent: Count }[];
  open: { open: Count; refund_requested: Count }[];
  funnel: { issued: Count; paid: Count; expired: Count }[];
  pending: { backlog: Count; oldest: string | null }[];
  dead: { dead: Count }[];
  published: { last_published: string | null }[];
  verify: { verify_ms: Count; failed: Count; recent: Count }[];
}

const n = (value: Count | undefined) => (value === null || value === undefined ? 0 : Number(value));

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
    receiptOutcomes: rows.receipts.map((r) => ({ outcome: r.outcome, count: n(r.count), recent: n(r.recent) })),
    exceptionsFlagged: rows.flagged.map((r) => ({ channel: r.channel, kind: r.kind, count: n(r.count), recent: n(r.recent) })),
    exceptionsOpen: { open: n(open?.open), refundRequested: n(open?.refund_requested) },
    qrFunnel: { issued: n(funnel?.issued), paid: n(funnel?.paid), expired: n(funnel?.expired) },
    outbox: {
      backlog: n(pending?.backlog),
      oldestPendingAt: pending?.oldest ?? null,
      dead: n(rows.dead[0]?.dead),
      lastPublishedAt: rows.published[0]?.last_published ?? null,
    },
    verifyCalls: rows.verify.map((r) => ({ ms: n(r.verify_ms), failed: n(r.failed) === 1, recent: n(r.recent) === 1 })),
  };
}

/** Runs every query side by side with the store's own executor. */
export async function readHealthFacts(window: HealthWindow, run: (query: SQL) => Promise<unknown[]>): Promise<HealthFacts> {
  const queries = healthQueries(window);
  const names = Object.keys(queries) as (keyof HealthRows)[];
  const results = await Promise.all(names.map((name) => run(queries[name])));
  return healthFactsOf(Object.fromEntries(names.map((name, i) => [name, results[i]])) as unknown as HealthRows);
}
