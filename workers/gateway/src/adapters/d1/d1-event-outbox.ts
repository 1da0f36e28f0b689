// The event outbox table: rows are inserted in the same D1 batch as the record they describe,
// then claimed, published and marked here. A claim is a short lease so two publishers (the
// request's waitUntil and the cron drain) do not send the same row at the same time.
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { PaymentEvent } from "#shared/events/payment-events.ts";
import { MAX_PUBLISH_ATTEMPTS, retryDelayMs } from "#shared/payments/deliver-events.ts";
import type { EventOutbox, OutboxEntry, OutboxEventView } from "#shared/payments/ports.ts";
import { guarded, inSlices } from "./d1-failures.ts";
import { eventOutbox } from "./schema.ts";
import { outboxView } from "../record-rows.ts";

const LEASE_MS = 60_000;

export function outboxInsert(db: DrizzleD1Database, events: PaymentEvent[], now: Date) {
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

export class D1EventOutbox implements EventOutbox {
  constructor(private readonly db: DrizzleD1Database) {}

  async list(state: "dead" | "pending", limit: number): Promise<OutboxEventView[]> {
    const inState = state === "dead" ? isNotNull(eventOutbox.deadAt) : isNull(eventOutbox.deadAt);
    const rows = await guarded(
      this.db
        .select()
        .from(eventOutbox)
        .where(and(isNull(eventOutbox.publishedAt), inState))
        .orderBy(asc(eventOutbox.createdAt))
        .limit(limit),
    );
    return rows.map(outboxView);
  }

  async forPayment(paymentId: number): Promise<OutboxEventView[]> {
    const rows = await guarded(
      this.db.select().from(eventOutbox).where(eq(eventOutbox.paymentId, paymentId)).orderBy(asc(eventOutbox.createdAt)),
    );
    return rows.map(outboxView);
  }

  /** In slices of ids (D1's bound-value limit), one batch: all of them made due again, or none. */
  async replay(eventIds: string[], now: Date): Promise<number> {
    const [first, ...rest] = inSlices(eventIds).map((ids) =>
      this.db
        .update(eventOutbox)
        .set({ deadAt: null, attempts: 0, leaseUntil: null, nextAttemptAt: now.toISOString() })
        .where(and(inArray(eventOutbox.eventId, ids), isNotNull(eventOutbox.deadAt), isNull(eventOutbox.publishedAt)))
        .returning({ eventId: eventOutbox.eventId }),
    );
    if (!first) return 0;
    const replayed = await guarded(this.db.batch([first, ...rest]));
    return replayed.reduce((sum, rows) => sum + rows.length, 0);
  }

  async claimDue(now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
    return guarded(claimDue(this.db, now, options));
  }

  async markPublished(eventIds: string[], now: Date): Promise<void> {
    for (const ids of inSlices(eventIds)) {
      await guarded(
        this.db
          .update(eventOutbox)
          .set({ publishedAt: now.toISOString(), leaseUntil: null, lastError: null })
          .where(inArray(eventOutbox.eventId, ids)),
      );
    }
  }

  /** In slices of ids (D1's bound-value limit), one batch. */
  async release(eventIds: string[]): Promise<void> {
    const [first, ...rest] = inSlices(eventIds).map((ids) =>
      this.db
        .update(eventOutbox)
        .set({ leaseUntil: null, attempts: sql`${eventOutbox.attempts} - 1` })
        .where(and(inArray(eventOutbox.eventId, ids), isNull(eventOutbox.publishedAt), isNotNull(eventOutbox.leaseUntil))),
    );
    if (first) await guarded(this.db.batch([first, ...rest]));
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

/** A row whose last attempt never reported back (the invocation died mid-publish) and has no attempts left is dead-lettered. */
async function claimDue(db: DrizzleD1Database, now: Date, options: { eventIds?: string[]; limit: number }): Promise<OutboxEntry[]> {
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
