// Overlapping outbox drains and reconciliation runs, each on its own store (its own connection on
// PostgreSQL, as two invocations would have): every row is claimed exactly once, none is lost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordStore } from "../../workers/gateway/src/services.ts";
import { execute, queryRows } from "../support/records.ts";

const RUNS = 6;
const ROWS = 60;

describe("concurrent claims", () => {
  it("hands each due outbox event to one drain only, and every event to some drain", async () => {
    const now = new Date("2026-02-01T00:00:00Z");
    const ids = Array.from({ length: ROWS }, (_, i) => `concurrent-${String(i).padStart(3, "0")}`);
    for (const [i, id] of ids.entries()) {
      const at = new Date(now.getTime() - 60_000 + i).toISOString();
      await execute(
        "INSERT INTO event_outbox (event_id, type, message_key, payload, created_at, attempts, next_attempt_at) VALUES (?, 'gateway.payment.success', 'P000000002', '{}', ?, 0, ?)",
        id,
        at,
        at,
      );
    }
    const claims = await Promise.all(
      Array.from({ length: RUNS }, () => recordStore(env).outbox.claimDue(now, { limit: Math.ceil(ROWS / 2) })),
    );
    const claimed = claims.flat().map((entry) => entry.eventId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(ids);
    const rows = await queryRows<{ attempts: number }>("SELECT attempts FROM event_outbox WHERE message_key = 'P000000002'");
    expect(rows.every((row) => row.attempts === 1)).toBe(true);
  });

  it("a unit of work's events are its writer's: handed over without a round trip, claimed by no other store until the lease runs out", async () => {
    const now = new Date("2026-02-01T00:10:00Z");
    const paymentId = 990_000_000 + Math.floor(Math.random() * 1_000_000);
    const events = [0, 1].map(() => ({
      eventId: crypto.randomUUID(),
      type: "gateway.payment.success" as const,
      key: `P${paymentId}`,
      paymentId,
      value: { paymentId },
    }));
    let statements = 0;
    const writer = recordStore(env, () => (statements += 1));
    expect(await writer.commit({ events }, now)).toBe("committed");
    const eventIds = events.map((e) => e.eventId);
    // Another invocation (the cron's drain) sees them leased.
    expect((await recordStore(env).outbox.claimDue(now, { limit: 1_000 })).filter((e) => eventIds.includes(e.eventId))).toEqual([]);
    statements = 0;
    const delivered = await writer.outbox.claimDue(now, { eventIds, limit: 10 });
    expect(delivered.map((e) => [e.eventId, e.attempts, e.value])).toEqual(events.map((e) => [e.eventId, 1, { paymentId }]));
    expect(statements).toBe(0);
    expect(await writer.outbox.claimDue(now, { eventIds, limit: 10 })).toEqual([]); // each once
    // The writer died before publishing: when the lease runs out, any drain takes them, the attempt counted.
    const later = new Date(now.getTime() + 61_000);
    const retaken = (await recordStore(env).outbox.claimDue(later, { eventIds, limit: 10 })).map((e) => [e.eventId, e.attempts]);
    expect(retaken.sort()).toEqual(eventIds.map((id) => [id, 2]).sort());
  });

  it("gives back released events due at once with their claim's attempt uncounted, and leaves a published one alone", async () => {
    const now = new Date("2026-02-01T00:05:00Z");
    const ids = Array.from({ length: 120 }, (_, i) => `release-${String(i).padStart(3, "0")}`);
    for (const id of ids) {
      await execute(
        "INSERT INTO event_outbox (event_id, type, message_key, payload, created_at, attempts, next_attempt_at) VALUES (?, 'gateway.payment.success', 'P000000004', '{}', ?, 2, ?)",
        id,
        now.toISOString(),
        now.toISOString(),
      );
    }
    const store = recordStore(env);
    const claimed = (await store.outbox.claimDue(now, { limit: 200 })).filter((e) => e.eventId.startsWith("release-"));
    expect(claimed).toHaveLength(120);
    await store.outbox.markPublished(["release-000"], now);
    // More ids than D1 binds to one statement.
    await store.outbox.release(ids);
    const rows = await queryRows<{ event_id: string; attempts: number; lease_until: string | null }>(
      "SELECT event_id, attempts, lease_until FROM event_outbox WHERE message_key = 'P000000004' ORDER BY event_id",
    );
    expect(rows[0]).toMatchObject({ event_id: "release-000", attempts: 3 });
    expect(rows.slice(1).every((row) => row.attempts === 2 && row.lease_until === null)).toBe(true);
    const again = (await store.outbox.claimDue(now, { limit: 200 })).filter((e) => e.eventId.startsWith("release-"));
    expect(again).toHaveLength(119);
  });

  it("hands each open QR to one reconciliation run only", async () => {
    const now = new Date("2026-02-01T00:10:00Z");
    const invoices = Array.from({ length: 30 }, (_, i) => String(880_000 + i));
    for (const invoice of invoices) {
      await execute(
        "INSERT INTO khqr_issuances (qr_id, invoice_number, payment_id, policy_number, amount_minor, currency, bank_code, qr_string, issued_at) VALUES (?, ?, ?, 'P000000003', 1000, 'USD', 'AMK', 'qr', ?)",
        `${invoice}@qr`,
        invoice,
        Number(invoice),
        new Date(now.getTime() - 5 * 60_000).toISOString(),
      );
    }
    const query = {
      issuedAfter: new Date(now.getTime() - 24 * 3_600_000),
      issuedBefore: new Date(now.getTime() - 2 * 60_000),
      expiredAfter: new Date(now.getTime() - 3_600_000),
      checkedBefore: new Date(now.getTime() - 5 * 60_000),
      limit: 20,
    };
    const claims = await Promise.all(Array.from({ length: RUNS }, () => recordStore(env).claimOpenIssuances(query, now)));
    const claimed = claims.flat().map((issuance) => issuance.invoiceNumber);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(invoices);
  });
});
