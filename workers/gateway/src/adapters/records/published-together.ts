// The outbox's "published" marks of many payments written together. After its answer, each bank
// request publishes its own events to Kafka, then marks them published. Marked one request at a
// time, that mark was a write of its own per payment, and the most expensive part of the work after
// the answer (bench: 3 of the bill confirmation's 14.5 ms of workerd CPU at 10 connections).
// Here the first request whose events are published waits LINGER_MS, then marks its own and
// every other request's published since, in one write; those requests do not wait for it.
//
// Why it is safe: a mark only stops the cron from publishing an event again. A mark that is lost
// (the isolate ends during the linger, the write fails) leaves the events leased to their writer;
// when the lease runs out the cron publishes them again, which consumers already dedupe on
// `eventId` (at least once, as a crash between a publish and its mark always allowed).
// Events a request could not publish are not marked here: markFailed writes their retry at once.
import type { EventOutbox } from "#shared/payments/ports.ts";

/** How long the first mark waits for others. Far inside the 60 s lease, and the 30 s a Worker may keep running after its answer. */
export const LINGER_MS = 100;

/**
 * A write scheduled longer ago than this never ran: its request was cut off mid-linger (a Worker's
 * work after the answer ends at 30 s). The next mark schedules a write of its own, for all waiting.
 */
const SCHEDULE_LOST_MS = 5_000;

/** Marks waiting for the next write, in this isolate (module state: shared by its requests). */
let waiting: string[] = [];
/** When the waiting write was scheduled; undefined when none waits. */
let scheduledAt: number | undefined;

/** `outbox` with its markPublished written together with the isolate's other requests' (see above). */
export function publishedTogether(outbox: EventOutbox, lingerMs = LINGER_MS): EventOutbox {
  return {
    claimDue: (now, options) => outbox.claimDue(now, options),
    markFailed: (entry, error, now) => outbox.markFailed(entry, error, now),
    release: (eventIds) => outbox.release(eventIds),
    list: (state, limit) => outbox.list(state, limit),
    replay: (eventIds, now) => outbox.replay(eventIds, now),
    async markPublished(eventIds, now) {
      waiting.push(...eventIds);
      // A write is already waiting: it takes these too, in the request that scheduled it.
      if (scheduledAt !== undefined && Date.now() - scheduledAt < SCHEDULE_LOST_MS) return;
      scheduledAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, lingerMs));
      const marks = waiting;
      waiting = [];
      scheduledAt = undefined;
      if (marks.length > 0) await outbox.markPublished(marks, new Date(Math.max(now.getTime(), Date.now())));
    },
  };
}
