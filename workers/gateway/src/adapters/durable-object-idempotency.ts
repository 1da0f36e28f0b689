// Idempotency on Durable Objects: one object per key (a bill payment's bankTransactionId, a KHQR
// webhook's invoice), single-threaded, so "in flight" is marked in storage before any work. Only
// final answers are kept (the core decides which); the key is freed otherwise.
import { DurableObject } from "cloudflare:workers";
import type { Admission, IdempotencyKeeper, StoredAnswer } from "../../../../shared/payments/ports.ts";

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

/** The core's IdempotencyKeeper, one WebhookIdempotency object per key. */
export class DurableObjectIdempotency implements IdempotencyKeeper {
  constructor(private readonly namespace: DurableObjectNamespace<WebhookIdempotency>) {}

  admit(key: string, fingerprint: string, now: number): Promise<Admission> {
    return this.stub(key).admit(fingerprint, now);
  }

  async settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    await this.stub(key).settle(lease, answer, now);
  }

  private stub(key: string) {
    return this.namespace.get(this.namespace.idFromName(key));
  }
}
