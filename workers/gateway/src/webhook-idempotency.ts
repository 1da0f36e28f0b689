// One Durable Object per idempotency key (a bill payment's bankTransactionId, a KHQR webhook's
// invoice_number). Stripe's semantics: the first request marks the key in flight before any
// work; a repeat with the same body gets the stored final answer, a repeat with another body or
// while the first is still running gets a conflict. Only final (non-5xx) answers are kept, so the
// bank's retry after an outage runs again.
import { DurableObject } from "cloudflare:workers";

export interface StoredAnswer {
  status: number;
  /** The response body as sent, JSON text. */
  body: string;
}

export type Admission =
  { kind: "proceed"; lease: string } | { kind: "replay"; answer: StoredAnswer } | { kind: "conflict" } | { kind: "in-flight" };

type Entry =
  | { state: "in-flight"; fingerprint: string; lease: string; startedAt: number }
  | { state: "done"; fingerprint: string; answer: StoredAnswer; completedAt: number };

/** A request still "in flight" after this long is taken to have died (a crashed isolate). */
const LEASE_MS = 60_000;
const KEY = "entry";

export class WebhookIdempotency extends DurableObject {
  async admit(fingerprint: string, now: number): Promise<Admission> {
    const entry = await this.ctx.storage.get<Entry>(KEY);
    if (entry?.state === "done") {
      return entry.fingerprint === fingerprint ? { kind: "replay", answer: entry.answer } : { kind: "conflict" };
    }
    if (entry?.state === "in-flight" && now - entry.startedAt < LEASE_MS) {
      return entry.fingerprint === fingerprint ? { kind: "in-flight" } : { kind: "conflict" };
    }
    const lease = crypto.randomUUID();
    await this.ctx.storage.put<Entry>(KEY, { state: "in-flight", fingerprint, lease, startedAt: now });
    return { kind: "proceed", lease };
  }

  /** Stores a final answer for replay, or frees the key when the answer must not be kept. */
  async settle(lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    const entry = await this.ctx.storage.get<Entry>(KEY);
    if (entry?.state !== "in-flight" || entry.lease !== lease) return;
    if (answer) {
      await this.ctx.storage.put<Entry>(KEY, { state: "done", fingerprint: entry.fingerprint, answer, completedAt: now });
    } else {
      await this.ctx.storage.delete(KEY);
    }
  }
}
