// Publishes outbox events to Kafka: right after a request (never awaited by the bank) and from
// the cron for whatever is left. At-least-once: an event is marked published only after the
// broker took it.
import type { Clock, EventOutbox, EventPublisher } from "./ports.ts";

/** Events per publish: one produce request to Kafka REST. */
const BATCH = 100;
/** Well inside the outbox lease (60 s) and the 30 s a Worker may keep running after responding. */
const PUBLISH_TIMEOUT_MS = 25_000;

export interface DeliveryReport {
  published: number;
  failed: number;
}

export async function deliverEvents(
  deps: { outbox: EventOutbox; publisher: EventPublisher; topicPrefix: string; clock: Clock },
  eventIds?: string[],
): Promise<DeliveryReport> {
  const { outbox } = deps;
  if (eventIds?.length === 0) return { published: 0, failed: 0 };
  const entries = await outbox.claimDue(deps.clock.now(), { eventIds, limit: BATCH });
  if (entries.length === 0) return { published: 0, failed: 0 };
  try {
    const publishing = deps.publisher.publish(
      entries.map((e) => ({ topic: `${deps.topicPrefix}${e.type}`, key: e.key, value: e.value, eventId: e.eventId })),
    );
    await Promise.race([publishing, rejectAfter(PUBLISH_TIMEOUT_MS)]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const entry of entries) await outbox.markFailed(entry, message, deps.clock.now());
    console.log(JSON.stringify({ outbox: "publish-failed", events: entries.length, reason: message }));
    return { published: 0, failed: entries.length };
  }
  await outbox.markPublished(
    entries.map((e) => e.eventId),
    deps.clock.now(),
  );
  return { published: entries.length, failed: 0 };
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`Kafka REST gave no answer within ${ms} ms`)), ms));
}
