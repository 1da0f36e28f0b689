// Idempotency keys in memory, with the Durable Object's semantics (60 s in-flight lease).
import type { Admission, IdempotencyKeeper, StoredAnswer } from "../ports.ts";

type Entry =
  | { state: "in-flight"; fingerprint: string; lease: string; startedAt: number }
  | { state: "done"; fingerprint: string; answer: StoredAnswer };

const LEASE_MS = 60_000;

export class InMemoryIdempotency implements IdempotencyKeeper {
  readonly entries = new Map<string, Entry>();

  async admit(key: string, fingerprint: string, now: number): Promise<Admission> {
    const entry = this.entries.get(key);
    if (entry?.state === "done") return entry.fingerprint === fingerprint ? { kind: "replay", answer: entry.answer } : { kind: "conflict" };
    if (entry?.state === "in-flight" && now - entry.startedAt < LEASE_MS) {
      return entry.fingerprint === fingerprint ? { kind: "in-flight" } : { kind: "conflict" };
    }
    const lease = crypto.randomUUID();
    this.entries.set(key, { state: "in-flight", fingerprint, lease, startedAt: now });
    return { kind: "proceed", lease };
  }

  async settle(key: string, lease: string, answer: StoredAnswer | null): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.state !== "in-flight" || entry.lease !== lease) return;
    if (answer) this.entries.set(key, { state: "done", fingerprint: entry.fingerprint, answer });
    else this.entries.delete(key);
  }
}
