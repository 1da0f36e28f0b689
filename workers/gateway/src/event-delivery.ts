// Publishes outbox rows to Kafka: right after a request (through waitUntil, never awaited by the
// bank) and every minute from the cron trigger for whatever is left. At-least-once: a row is
// marked published only after the broker took it.
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { EventPublisher } from "../../../shared/events/event-publisher.ts";
import { claimDue, markFailed, markPublished } from "./records/event-outbox.ts";

/** Rows per publish: one produce request to Kafka REST. */
const BATCH = 100;
/** Well inside the outbox lease (60 s) and the 30 s a Worker may keep running after responding. */
const PUBLISH_TIMEOUT_MS = 25_000;

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`Kafka REST gave no answer within ${ms} ms`)), ms));
}

export interface DeliveryReport {
  published: number;
  failed: number;
}

export async function deliverEvents(
  db: DrizzleD1Database,
  publisher: EventPublisher,
  topicPrefix: string,
  eventIds?: string[],
): Promise<DeliveryReport> {
  const rows = await claimDue(db, new Date(), { eventIds, limit: BATCH });
  if (rows.length === 0) return { published: 0, failed: 0 };
  try {
    const publishing = publisher.publish(
      rows.map((r) => ({ topic: `${topicPrefix}${r.type}`, key: r.key, value: r.value, eventId: r.eventId })),
    );
    await Promise.race([publishing, rejectAfter(PUBLISH_TIMEOUT_MS)]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const row of rows) await markFailed(db, row, message, new Date());
    console.log(JSON.stringify({ service: "gateway", outbox: "publish-failed", events: rows.length, reason: message }));
    return { published: 0, failed: rows.length };
  }
  await markPublished(
    db,
    rows.map((r) => r.eventId),
    new Date(),
  );
  return { published: rows.length, failed: 0 };
}
