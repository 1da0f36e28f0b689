// The event outbox table on PostgreSQL: rows are inserted in the same transaction as the record
// they describe, then claimed, published and marked here, with the D1 outbox's rules (lease,
// backoff, dead letter). A claim locks the rows it takes and skips rows another claim holds
// (FOR UPDATE SKIP LOCKED), so concurrent drains never publish one event twice.
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { PaymentEvent } from "#shared/events/payment-events.ts";
import { MAX_PUBLISH_ATTEMPTS, retryDelayMs } from "#shared/payments/deliver-events.ts";
import type { EventOutbox, OutboxEntry, OutboxEventView } from "#shared/payments/ports.ts";
import { guarded, type PostgresDatabase } from "./postgres-client.ts";
import { eventOutbox } from "./schema.ts";
import { outboxView } from "../record-rows.ts";

const LEASE_MS = 60_000;

export function outboxInsert(db: PostgresDatabase, events: PaymentEvent[], now: Date) {
  const at = now.toISOString();
  return db.insert(eventOutbox).values(
    events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      messageKey: e.key,
      paymentId: e.paymentId,
      payload: JSON.stringify(e.value),
      createdAt: at,
      nextAttemptAt: at,
    })),
  );
}

export class PostgresEventOutbox implements EventOutbox {
  constructor(private readonly db: PostgresDatabase) {}

  async list(state: "dead" | "pending", limit: number): Promise<OutboxEventView[]> {
    const inState = state === "dead" ? isNotNull(eventOutbox.deadAt) : isNull(eventOutbox.deadAt);
    const rows = await guarded(
      this.db
        .select()
        .from(eventOutbox)
        .where(and(isNull(eventOutbox.publishedAt), inState))
        .orderBy(asc(eventOutbox.createdAt), asc(eventOutbox.eventId))
        .limit(limit),
    );
    return rows.map(outboxView);
  }

  async forPayment(paymentId: number): Promise<OutboxEventView[]> {
    const rows = await guarded(
      this.db
        .select()
        .from(eventOutbox)
        .where(eq(eventOutbox.paymentId, paymentId))
        .orderBy(asc(eventOutbox.createdAt), asc(eventOutbox.eventId)),
    );
    return rows.map(outboxView);
  }

  async replay(eventIds: string[], now: Date): Promise<number> {
    if (eventIds.length === 0) return 0;
    const replayed = await guarded(
      this.db
        .update(eventOutbox)
        .set({ deadAt: null, attempts: 0, leaseUntil: null, nextAttemptAt: now.toISOString() })
        .where(and(inArray(eventOutbox.eventId, eventIds), isNotNull(eventOutbox.deadAt), isNull(eventOutbox.publishedAt)))
        .returning({ eventId: eventOutbox.eventId }),
    );
    return replayed.length;
  }

  /** A row whose last attempt never reported back (the invocation died mid-publish) and has no attempts left is dead-lettered. */
  async claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
    const at = now.toISOString();
    const leaseFree = or(isNull(eventOutbox.leaseUntil), lte(eventOutbox.leaseUntil, at));
    await guarded(
      this.db
        .update(eventOutbox)
        .set({
          deadAt: at,
          leaseUntil: null,
          lastError: sql`coalesce(${eventOutbox.lastError}, 'no outcome reported for the last attempt')`,
        })
        .where(
          and(isNull(eventOutbox.publishedAt), isNull(eventOutbox.deadAt), gte(eventOutbox.attempts, MAX_PUBLISH_ATTEMPTS), leaseFree),
        ),
    );
    const due = this.db
      .select({ eventId: eventOutbox.eventId })
      .from(eventOutbox)
      .where(
        and(
          isNull(eventOutbox.publishedAt),
          isNull(eventOutbox.deadAt),
          lte(eventOutbox.nextAttemptAt, at),
          lt(eventOutbox.attempts, MAX_PUBLISH_ATTEMPTS),
          leaseFree,
          options.eventIds ? inArray(eventOutbox.eventId, options.eventIds) : undefined,
        ),
      )
      .orderBy(asc(eventOutbox.createdAt))
      .limit(options.limit)
      .for("update", { skipLocked: true });
    // The outer condition is checked again on the row as committed by any claim that won the race.
    const rows = await guarded(
      this.db
        .update(eventOutbox)
        .set({ leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: sql`${eventOutbox.attempts} + 1` })
        .where(and(inArray(eventOutbox.eventId, due), leaseFree))
        .returning(),
    );
    return rows
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => ({ eventId: r.eventId, type: r.type, key: r.messageKey, value: JSON.parse(r.payload), attempts: r.attempts }));
  }

  async markPublished(eventIds: string[], now: Date): Promise<void> {
    if (eventIds.length === 0) return;
    await guarded(
      this.db
        .update(eventOutbox)
        .set({ publishedAt: now.toISOString(), leaseUntil: null, lastError: null })
        .where(inArray(eventOutbox.eventId, eventIds)),
    );
  }

  async release(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await guarded(
      this.db
        .update(eventOutbox)
        .set({ leaseUntil: null, attempts: sql`${eventOutbox.attempts} - 1` })
        .where(and(inArray(eventOutbox.eventId, eventIds), isNull(eventOutbox.publishedAt), isNotNull(eventOutbox.leaseUntil))),
    );
  }

  async markFailed(entry: OutboxEntry, error: string, now: Date): Promise<void> {
    const backoffMs = retryDelayMs(entry.attempts);
    const dead = entry.attempts >= MAX_PUBLISH_ATTEMPTS;
    await guarded(
      this.db
        .update(eventOutbox)
        .set({
          leaseUntil: null,
          lastError: error.slice(0, 500),
          nextAttemptAt: new Date(now.getTime() + backoffMs).toISOString(),
          deadAt: dead ? now.toISOString() : null,
        })
        .where(eq(eventOutbox.eventId, entry.eventId)),
    );
  }
}
