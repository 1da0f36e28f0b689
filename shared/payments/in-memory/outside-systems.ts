// In-memory stand-ins for the systems around the core: the premium source, AMK's payment-verify,
// Kafka and the clock. Each answers exactly as its port promises, and is told what to answer.
import type { PaymentError } from "../errors.ts";
import type { Premium } from "../premium.ts";
import type {
  Clock,
  EventPublisher,
  OutgoingRecord,
  PaymentVerifier,
  PremiumCache,
  PremiumSource,
  Verification,
  VerifiedPayment,
} from "../ports.ts";

/** The Integration Service: `premiums` is the truth. */
export class InMemoryPremiumSource implements PremiumSource {
  readonly premiums = new Map<string, Premium>();
  calls = 0;

  async find(query: string): Promise<Premium | null> {
    this.calls += 1;
    return this.premiums.get(query) ?? null;
  }
}

/** The premium cache, with the KV cache's rules: a payment marks its premium paid for every query. */
export class InMemoryPremiumCache implements PremiumCache {
  readonly kept = new Map<string, Premium>();
  readonly paid = new Set<number>();

  async current(query: string): Promise<Premium | null> {
    const premium = this.kept.get(query);
    return premium && !this.paid.has(premium.id) ? premium : null;
  }

  async keep(query: string, premium: Premium): Promise<void> {
    this.kept.set(query, premium);
  }

  async markPaid(paid: { paymentId: number }): Promise<void> {
    this.paid.add(paid.paymentId);
  }
}

/** AMK's payment-verify: a verified payment, or the error AMK's answer maps to, per txId. */
export class InMemoryPaymentVerifier implements PaymentVerifier {
  readonly answers = new Map<string, VerifiedPayment | PaymentError>();
  readonly asked: string[] = [];
  /** The answer for a txId with none set (without it, such a verify throws). */
  otherwise?: PaymentError;
  /** Runs on every verify: how a test makes AMK take time (advancing a manual clock). */
  onVerify?: () => void;

  async verify(txId: string): Promise<Verification> {
    this.asked.push(txId);
    this.onVerify?.();
    const answer = this.answers.get(txId) ?? this.otherwise;
    if (!answer) throw new Error(`no verify answer set for ${txId}`);
    if (answer instanceof Error) return { reply: JSON.stringify({ refused: answer.code }), refusal: answer };
    return { reply: JSON.stringify(answer), verified: answer };
  }
}

/** Kafka: keeps what it took; refuses records whose key is in `refusedKeys`; answers after `delayMs` (a slow broker). */
export class InMemoryEventPublisher implements EventPublisher {
  readonly published: OutgoingRecord[] = [];
  readonly refusedKeys = new Set<string>();
  delayMs = 0;

  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const refused = records.find((r) => this.refusedKeys.has(r.key));
    if (refused) throw new Error(`broker refused key ${refused.key}`);
    this.published.push(...records);
  }
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
