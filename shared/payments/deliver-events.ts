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

/**
 * How long a run keeps taking events, and how long one publish may take: together inside the
 * outbox lease (60 s) and the 30 s a Worker may keep running after responding. One publish gets
 * 17 s because @upstash/kafka retries a refused produce on its own for about 15.5 s.
 */
export interface DeliveryLimits {
  takeForMs: number;
  publishTimeoutMs: number;
}
const LIMITS: DeliveryLimits = { takeForMs: 10_000, publishTimeoutMs: 17_000 };

export interface DeliveryReport {
  published: number;
  failed: number;
  /** Claimed but never tried before the run's time was up: given back, no attempt counted. */
  released: number;
}

type DeliveryDeps = { outbox: EventOutbox; publisher: EventPublisher; topicPrefix: string; clock: Clock; limits?: DeliveryLimits };

export async function deliverEvents(deps: DeliveryDeps, eventIds?: string[]): Promise<DeliveryReport> {
  const report: DeliveryReport = { published: 0, failed: 0, released: 0 };
  if (eventIds?.length === 0) return report;
  const limits = deps.limits ?? LIMITS;
  const pending = await deps.outbox.claimDue(deps.clock.now(), { eventIds, limit: BATCH });
  // No publish starts after this: one that started may still finish (or time out), and the rest
  // go back to the outbox as they were, so a slow broker never gets an event twice from one run.
  const takeUntil = Date.now() + limits.takeForMs;
  const published: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, pending.length) }, async () => {
      while (Date.now() < takeUntil) {
        const entry = pending.shift();
        if (!entry) return;
        if (await deliverOne(deps, entry, limits.publishTimeoutMs)) published.push(entry.eventId);
        else report.failed += 1;
      }
    }),
  );
  // One write for every event the broker took (a crash before it only publishes them again: consumers dedupe on eventId).
  if (published.length > 0) {
    await deps.outbox.markPublished(published, deps.clock.now());
    report.published = published.length;
  }
  if (pending.length > 0) {
    await deps.outbox.release(pending.map((e) => e.eventId));
    report.released = pending.length;
  }
  return report;
}

async function deliverOne(deps: DeliveryDeps, entry: OutboxEntry, timeoutMs: number): Promise<boolean> {
  try {
    const record = { topic: `${deps.topicPrefix}${entry.type}`, key: entry.key, value: entry.value, eventId: entry.eventId };
    await withTimeout(deps.publisher.publish([record]), timeoutMs);
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
  return true;
}

/** A publish with no answer in time has an unknown outcome: counted failed and retried (consumers dedupe on eventId). */
function withTimeout(publishing: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka REST gave no answer within ${ms} ms`)), ms);
  });
  return Promise.race([publishing, timeout]).finally(() => timer !== undefined && clearTimeout(timer));
}
