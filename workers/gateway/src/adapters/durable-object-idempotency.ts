// Idempotency on Durable Objects: one object per key (a bill payment's bankTransactionId, a KHQR
// webhook's invoice), single-threaded, so "in flight" is marked in storage before any work. The
// transitions are the core's (idempotency-entry.ts); which answers are kept is the core's too.
import { DurableObject } from "cloudflare:workers";
import { admit, FREED_REMEMBERED_MS, forgettable, settle, type IdempotencyEntry } from "#shared/payments/idempotency-entry.ts";
import type { Admission, IdempotencyKeeper, StoredAnswer } from "#shared/payments/ports.ts";

const KEY = "entry";

export class WebhookIdempotency extends DurableObject {
  async admit(fingerprint: string, now: number): Promise<Admission> {
    const { admission, store } = admit(await this.ctx.storage.get<IdempotencyEntry>(KEY), fingerprint, now);
    if (store) await this.ctx.storage.put(KEY, store);
    return admission;
  }

  async settle(lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    const next = settle(await this.ctx.storage.get<IdempotencyEntry>(KEY), lease, answer, now);
    if (next) await this.ctx.storage.put(KEY, next);
    // A freed key is forgotten once it no longer says anything, so freed keys do not pile up.
    if (next?.state === "freed") await this.ctx.storage.setAlarm(Date.now() + FREED_REMEMBERED_MS + 1_000);
  }

  async alarm(): Promise<void> {
    const entry = await this.ctx.storage.get<IdempotencyEntry>(KEY);
    if (entry && forgettable(entry, Date.now())) await this.ctx.storage.delete(KEY);
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
