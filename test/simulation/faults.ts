// The faults a seed may inject at port calls, and how often. Each seed draws its own mix (some
// calm, some stormy, most kinds on, some off), so together the seeds cover single faults and pile-ups.
import type { Prng } from "./prng.ts";

/** Base chance per eligible port call, before the seed's intensity. */
const BASE_RATES = {
  /** The request dies between two port calls: the rest never runs. */
  "request-crash": 0.008,
  /** A unit of work refused by the store before it took effect (503). */
  "commit-fails-before": 0.03,
  /** A unit of work written, then the call throws anyway (503): the caller cannot tell. */
  "commit-fails-after": 0.03,
  /** Any other record-store call throws before doing anything. */
  "store-call-fails": 0.01,
  /** A claim or outbox write that took effect, then threw. */
  "store-call-fails-after": 0.01,
  /** The Durable Object's admit is lost before it took the key, or after. */
  "admit-lost": 0.02,
  "admit-lost-after": 0.02,
  /** The Durable Object's settle is lost: the answer is not kept, the key stays leased. */
  "settle-lost": 0.05,
  /** A KV write never lands, or lands seconds later. */
  "kv-write-lost": 0.08,
  "kv-write-late": 0.08,
  /** Kafka refuses; takes the records but the answer never comes back; or answers slowly. */
  "kafka-refused": 0.12,
  "kafka-timeout-after-accept": 0.06,
  "kafka-slow": 0.05,
  /** AMK's payment-verify unreachable; slow; or still PENDING for a payment it will confirm. */
  "amk-verify-down": 0.05,
  "amk-verify-slow": 0.05,
  "amk-verify-pending": 0.05,
  /** AMK's qr/generator unreachable. */
  "amk-qr-down": 0.04,
  /** The Integration Service unreachable; re-pricing a premium; withdrawing one. */
  "integration-down": 0.03,
  "integration-reprices": 0.015,
  "integration-withdraws": 0.006,
} as const;

export type FaultKind = keyof typeof BASE_RATES;
export const FAULT_KINDS = Object.keys(BASE_RATES) as FaultKind[];

export class Faults {
  readonly counts = new Map<FaultKind, number>();
  /** After the traffic: faults stop, so the bank's retries, reconciliation and the outbox can settle. */
  calm = false;
  private readonly rates: Record<FaultKind, number>;

  constructor(private readonly prng: Prng) {
    const intensity = prng.pick([0, 0.5, 1, 1, 2, 3]);
    this.rates = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, prng.chance(0.75) ? BASE_RATES[kind] * intensity : 0])) as Record<
      FaultKind,
      number
    >;
  }

  /** Whether this call gets the fault (and counts it). */
  roll(kind: FaultKind): boolean {
    if (this.calm || this.rates[kind] === 0 || !this.prng.chance(this.rates[kind])) return false;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return true;
  }

  /** The first of `kinds` this call gets, if any (at most one fault per call). */
  first<K extends FaultKind>(...kinds: K[]): K | undefined {
    return kinds.find((kind) => this.roll(kind));
  }
}
