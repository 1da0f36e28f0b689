// Publishes outbox events to Kafka: right after a request (never awaited by the bank) and from
// the cron for whatever is left. At-least-once: an event is marked published only after the broker
// took it. Each event is delivered on its own account: one Kafka keeps refusing fails alone and
// never delays or repeats the others. (The events of one payment go to different topics, so Kafka
// keeps no order between them anyway; consumers dedupe on eventId.)
import type { Clock, EventOutbox, EventPublisher, OutboxEntry } from "./ports.ts";

/** After this many failed attempts an event is dead-lettered and waits for an operator's replay. */
export const MAX_PUBLISH_ATTEMPTS = 12;
/** How long an event waits after its `attempts`-th failure: 30 s, doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1));
}

/** Events claimed per run. */
const BATCH = 100;
/** Events published side by side (a Worker may hold 6 connections at once). */
const PARALLEL = 4;
/** Well inside the outbox lease (60 s) and the 30 s a Worker may keep running after responding. */
const RUN_DEADLINE_MS = 25_000;

export interface DeliveryReport {
  published: number;
  failed: number;
}

type DeliveryDeps = { outbox: EventOutbox; publisher: EventPublisher; topicPrefix: string; clock: Clock };

export async function deliverEvents(deps: DeliveryDeps, eventIds?: string[]): Promise<DeliveryReport> {
  if (eventIds?.length === 0) return { published: 0, failed: 0 };
  const pending = await deps.outbox.claimDue(deps.clock.now(), { eventIds, limit: BATCH });
  const report: DeliveryReport = { published: 0, failed: 0 };
  const deadline = Date.now() + RUN_DEADLINE_MS;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, pending.length) }, async () => {
      for (let entry = pending.shift(); entry; entry = pending.shift()) {
        if (await deliverOne(deps, entry, deadline)) report.published += 1;
        else report.failed += 1;
      }
    }),
  );
  return report;
}

async function deliverOne(deps: DeliveryDeps, entry: OutboxEntry, deadline: number): Promise<boolean> {
  try {
    const record = { topic: `${deps.topicPrefix}${entry.type}`, key: entry.key, value: entry.value, eventId: entry.eventId };
    await Promise.race([deps.publisher.publish([record]), rejectAfter(deadline - Date.now())]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.outbox.markFailed(entry, message, deps.clock.now());
    const dead = entry.attempts >= MAX_PUBLISH_ATTEMPTS;
    console.log(
      JSON.stringify({
        ...(dead && { alert: "event-dead-lettered" }),
        outbox: "publish-failed",
        eventId: entry.eventId,
        attempts: entry.attempts,
        reason: message,
      }),
    );
    return false;
  }
  await deps.outbox.markPublished([entry.eventId], deps.clock.now());
  return true;
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`Kafka REST gave no answer within the run's ${RUN_DEADLINE_MS} ms`)), Math.max(0, ms)),
  );
}
