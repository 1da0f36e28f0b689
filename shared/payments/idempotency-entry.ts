// The life of one idempotency key, as pure transitions: free -> in flight (leased) -> done (an
// answer kept) or free again (an answer not kept). Every IdempotencyKeeper stores these entries.
import type { Admission, StoredAnswer } from "./ports.ts";

export type IdempotencyEntry =
  | { state: "in-flight"; fingerprint: string; lease: string; startedAt: number }
  | { state: "done"; fingerprint: string; answer: StoredAnswer; completedAt: number };

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
  return { admission: { kind: "proceed", lease }, store: { state: "in-flight", fingerprint, lease, startedAt: now } };
}

/**
 * The entry after the lease holder settles: done with the answer kept, null to free the key, or
 * undefined when the lease is no longer theirs (it ran out and another request took the key).
 */
export function settle(
  entry: IdempotencyEntry | undefined,
  lease: string,
  answer: StoredAnswer | null,
  now: number,
): IdempotencyEntry | null | undefined {
  if (entry?.state !== "in-flight" || entry.lease !== lease) return undefined;
  return answer ? { state: "done", fingerprint: entry.fingerprint, answer, completedAt: now } : null;
}
