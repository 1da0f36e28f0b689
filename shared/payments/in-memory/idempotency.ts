// Idempotency keys in memory, with the same transitions as the Durable Object.
import { admit, settle, type IdempotencyEntry } from "../idempotency-entry.ts";
import type { Admission, IdempotencyKeeper, StoredAnswer } from "../ports.ts";

export class InMemoryIdempotency implements IdempotencyKeeper {
  readonly entries = new Map<string, IdempotencyEntry>();

  async admit(key: string, fingerprint: string, now: number): Promise<Admission> {
    const { admission, store } = admit(this.entries.get(key), fingerprint, now);
    if (store) this.entries.set(key, store);
    return admission;
  }

  async settle(key: string, lease: string, answer: StoredAnswer | null, now: number): Promise<void> {
    const next = settle(this.entries.get(key), lease, answer, now);
    if (next) this.entries.set(key, next);
  }
}
