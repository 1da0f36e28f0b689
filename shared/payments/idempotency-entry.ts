// The life of one idempotency key, as pure transitions: never held -> in flight (leased) -> done
// (an answer kept) or freed (an answer not kept) -> in flight again. Every IdempotencyKeeper stores
// these entries. A freed key is remembered as freed, not forgotten: a request admitted to a key that
// no request ever held knows nothing was done under it before (the QR issuance lease relies on it).
import type { Admission, StoredAnswer } from "./ports.ts";

export type IdempotencyEntry =
  | { state: "in-flight"; fingerprint: string; lease: string; startedAt: number }
  | { state: "done"; fingerprint: string; answer: StoredAnswer; completedAt: number }
  | { state: "freed"; freedAt: number };

/** A request still "in flight" after this long is taken to have died (a crashed isolate). */
export const IN_FLIGHT_LEASE_MS = 60_000;

/** What a request with `fingerprint` gets, and the entry to store when it may proceed. */
export function admit(
  entry: IdempotencyEntry | undefined,
  fingerprint: string,
  now: number,
): { admission: Admission; store?: IdempotencyEntry } {
  if (entry?.state === "done") {
    return { admission: entry.fingerprint === fingerprint ? { kind: "replay", answer: entry.answer } : { kind: "conflict" } };
  }
  if (entry?.state === "in-flight" && now - entry.startedAt < IN_FLIGHT_LEASE_MS) {
    return { admission: entry.fingerprint === fingerprint ? { kind: "in-flight" } : { kind: "conflict" } };
  }
  const lease = crypto.randomUUID();
  return {
    admission: { kind: "proceed", lease, first: entry === undefined },
    store: { state: "in-flight", fingerprint, lease, startedAt: now },
  };
}

/**
 * The entry after the lease holder settles: done with the answer kept, freed, or undefined when the
 * lease is no longer theirs (it ran out and another request took the key).
 */
export function settle(
  entry: IdempotencyEntry | undefined,
  lease: string,
  answer: StoredAnswer | null,
  now: number,
): IdempotencyEntry | undefined {
  if (entry?.state !== "in-flight" || entry.lease !== lease) return undefined;
  return answer ? { state: "done", fingerprint: entry.fingerprint, answer, completedAt: now } : { state: "freed", freedAt: now };
}
