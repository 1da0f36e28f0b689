// The life of one idempotency key, as pure transitions: never held -> in flight (leased) -> done
// (an answer kept) or freed (an answer not kept) -> in flight again. Every IdempotencyKeeper stores
// these entries. A freed key is remembered as freed for a minute, then forgotten: a request admitted
// to a key nobody held in that minute knows that whatever an earlier holder wrote had landed before
// it began (the QR issuance lease relies on it, premium-for-qr.ts).
import type { Admission, StoredAnswer } from "./ports.ts";

export type IdempotencyEntry =
  | { state: "in-flight"; fingerprint: string; lease: string; startedAt: number }
  | { state: "done"; fingerprint: string; answer: StoredAnswer; completedAt: number }
  | { state: "freed"; freedAt: number };

/** A request still "in flight" after this long is taken to have died (a crashed isolate). */
export const IN_FLIGHT_LEASE_MS = 60_000;
/** How long a freed key is remembered as freed; after that it may be forgotten (forgettable). */
export const FREED_REMEMBERED_MS = 60_000;

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
    admission: { kind: "proceed", lease, quiet: entry === undefined || (entry.state === "freed" && forgettable(entry, now)) },
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

/** A freed entry old enough to be forgotten (a keeper may delete it; admitting it then is the same). */
export function forgettable(entry: IdempotencyEntry, now: number): boolean {
  return entry.state === "freed" && now - entry.freedAt >= FREED_REMEMBERED_MS;
}
