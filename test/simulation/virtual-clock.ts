// Simulated time: it moves only when the scheduler says so. Everything that waits (QR expiry,
// leases, backoff, the bank's retries, a slow AMK, the outbox's publish timeout) waits on this
// timeline, so hours of traffic pass in a fraction of a second.
import type { Clock } from "#shared/payments/ports.ts";

interface Entry {
  at: number;
  seq: number;
  fire: () => void;
  cancelled?: boolean;
}

export class VirtualClock implements Clock {
  private ms: number;
  private seq = 0;
  /** Kept sorted by (at, seq): a few hundred entries at most, so insertion is cheap enough. */
  private readonly entries: Entry[] = [];

  constructor(readonly startMs: number) {
    this.ms = startMs;
  }

  now(): Date {
    return new Date(this.ms);
  }

  nowMs(): number {
    return this.ms;
  }

  /** Time only moves forward: an entry already overdue fires at the current time. */
  advance(ms: number): void {
    this.ms += Math.max(0, ms);
  }

  at(atMs: number, fire: () => void): Entry {
    const entry: Entry = { at: atMs, seq: (this.seq += 1), fire };
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.at > atMs) i -= 1;
    this.entries.splice(i, 0, entry);
    return entry;
  }

  after(ms: number, fire: () => void): Entry {
    return this.at(this.ms + Math.max(0, ms), fire);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  cancel(entry: Entry): void {
    entry.cancelled = true;
  }

  /** When the next entry is due, or undefined when nothing waits. */
  nextAt(): number | undefined {
    while (this.entries[0]?.cancelled) this.entries.shift();
    return this.entries[0]?.at;
  }

  /** Moves time to the next entry (never back) and fires it. */
  fireNext(): boolean {
    const next = this.nextAt();
    if (next === undefined) return false;
    const entry = this.entries.shift()!;
    this.ms = Math.max(this.ms, entry.at);
    entry.fire();
    return true;
  }
}
