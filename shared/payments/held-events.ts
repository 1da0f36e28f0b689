// The events a record store wrote and holds the outbox lease of: the unit of work wrote them leased
// to it, so the same request delivers them without a claim round trip. Every store keeps one, the
// same way (the EventOutbox contract in ports.ts).
import type { PaymentEvent } from "../events/payment-events.ts";
import type { OutboxEntry } from "./ports.ts";

/**
 * A held event is handed over only with this much of its lease left: a delivery run takes events
 * for 10 s and gives a publish 17 s (deliver-events.ts), so it ends inside the lease and no other
 * store can claim the event meanwhile. One held longer (the cron's reconciliation delivers after
 * its checks) is left to the store's own claim once the lease runs out.
 */
const LEASE_LEFT_MS = 30_000;

export class HeldEvents {
  private readonly entries = new Map<string, { entry: OutboxEntry; leaseUntil: number }>();

  /** `leaseUntil`: when the lease written with them runs out (ms). */
  hold(events: PaymentEvent[], leaseUntil: number): void {
    for (const { eventId, type, key, value } of events)
      this.entries.set(eventId, { entry: { eventId, type, key, value, attempts: 1 }, leaseUntil });
  }

  /**
   * A claim as every store makes it: the held events it asks for first, then, from the store's own
   * rows (`claimStored`), the rest it asks for, up to the limit.
   */
  async claim(
    now: Date,
    options: { eventIds?: string[]; limit: number },
    claimStored: (options: { eventIds?: string[]; limit: number }) => Promise<OutboxEntry[]> | OutboxEntry[],
  ): Promise<OutboxEntry[]> {
    const held = this.take(now.getTime(), options);
    const rest = options.eventIds?.filter((id) => !held.some((e) => e.eventId === id));
    if (rest?.length === 0 || held.length >= options.limit) return held;
    return [...held, ...(await claimStored({ eventIds: rest, limit: options.limit - held.length }))];
  }

  /** Takes the held events a claim asks for (all, or `eventIds`) while enough of their lease is left, in the order written; each once. */
  private take(now: number, options: { eventIds?: string[]; limit: number }): OutboxEntry[] {
    const taken: OutboxEntry[] = [];
    for (const [eventId, { entry, leaseUntil }] of this.entries) {
      if (leaseUntil - now < LEASE_LEFT_MS) this.entries.delete(eventId);
      else if (taken.length < options.limit && (!options.eventIds || options.eventIds.includes(eventId))) {
        this.entries.delete(eventId);
        taken.push(entry);
      }
    }
    return taken;
  }
}
