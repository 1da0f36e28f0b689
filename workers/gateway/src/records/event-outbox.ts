// The event outbox table: rows are inserted in the same D1 batch as the record they describe,
// then claimed, published and marked here. A claim is a short lease so two publishers (the
// request's waitUntil and the cron drain) do not send the same row at the same time.
import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { PaymentEvent } from "../../../../shared/events/payment-events.ts";
import { eventOutbox } from "./schema.ts";

export interface OutboxRow {
  eventId: string;
  type: string;
  key: string;
  value: Record<string, unknown>;
  attempts: number;
}

const LEASE_MS = 60_000;
/** After this many failed attempts a row is dead-lettered and waits for a manual replay. */
export const MAX_PUBLISH_ATTEMPTS = 12;

export function outboxInsert(db: DrizzleD1Database, events: PaymentEvent[], now: Date) {
  const at = now.toISOString();
  return db.insert(eventOutbox).values(
    events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      messageKey: e.key,
      payload: JSON.stringify(e.value),
      createdAt: at,
      nextAttemptAt: at,
    })),
  );
}

/**
 * Leases due, unpublished rows (only `eventIds` when given), oldest first. A row whose last
 * attempt never reported back (the invocation died mid-publish) and has no attempts left is
 * dead-lettered here instead.
 */
export async function claimDue(db: DrizzleD1Database, now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxRow[]> {
  const at = now.toISOString();
  const leaseFree = or(isNull(eventOutbox.leaseUntil), lte(eventOutbox.leaseUntil, at));
  await db
    .update(eventOutbox)
    .set({ deadAt: at, leaseUntil: null, lastError: sql`coalesce(${eventOutbox.lastError}, 'no outcome reported for the last attempt')` })
    .where(and(isNull(eventOutbox.publishedAt), isNull(eventOutbox.deadAt), gte(eventOutbox.attempts, MAX_PUBLISH_ATTEMPTS), leaseFree));
  const due = db
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
    .limit(options.limit);
  const rows = await db
    .update(eventOutbox)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: sql`${eventOutbox.attempts} + 1` })
    .where(and(inArray(eventOutbox.eventId, due), leaseFree))
    .returning();
  return rows
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((r) => ({ eventId: r.eventId, type: r.type, key: r.messageKey, value: JSON.parse(r.payload), attempts: r.attempts }));
}

export async function markPublished(db: DrizzleD1Database, eventIds: string[], now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .update(eventOutbox)
    .set({ publishedAt: now.toISOString(), leaseUntil: null, lastError: null })
    .where(inArray(eventOutbox.eventId, eventIds));
}

/** Schedules a retry with exponential backoff (capped at an hour), or dead-letters the row. */
export async function markFailed(db: DrizzleD1Database, row: OutboxRow, error: string, now: Date): Promise<void> {
  const backoffMs = Math.min(60 * 60_000, 30_000 * 2 ** (row.attempts - 1));
  const dead = row.attempts >= MAX_PUBLISH_ATTEMPTS;
  await db
    .update(eventOutbox)
    .set({
      leaseUntil: null,
      lastError: error.slice(0, 500),
      nextAttemptAt: new Date(now.getTime() + backoffMs).toISOString(),
      deadAt: dead ? now.toISOString() : null,
    })
    .where(eq(eventOutbox.eventId, row.eventId));
}
