// The premium cache on KV, readable at every edge location: `premium:v1:{query}` holds a premium
// the records showed unpaid (for PREMIUM_CACHE_TTL_SECONDS, the spec's 15 minutes), and a payment
// sets `paid:v1:{paymentId}` (and overwrites the policy's entry with a "paid" mark). Every entry is
// checked against its paid mark: an entry kept under an application number is never overwritten,
// and an inquiry's late write can land after the payment's. KV failures are misses: the source is asked.
import * as v from "valibot";
import type { PremiumCache } from "#shared/payments/ports.ts";
import { premiumFromDto, PremiumDtoSchema, premiumToDto, type Premium } from "#shared/payments/premium.ts";

/** How long a paid mark outlives the cache: the Integration Service stops offering a paid premium within days. */
const PAID_MARK_TTL_SECONDS = 30 * 24 * 60 * 60;

const Entry = v.union([v.object({ premium: PremiumDtoSchema }), v.object({ paid: v.number() })]);

export class KvPremiumCache implements PremiumCache {
  constructor(
    private readonly kv: KVNamespace,
    private readonly ttlSeconds: number,
  ) {}

  async current(query: string): Promise<Premium | null> {
    const entry = v.safeParse(Entry, await this.kv.get(premiumKey(query), "json").catch(logFailure("premium-get-failed")));
    if (!entry.success || !("premium" in entry.output)) return null;
    const premium = premiumFromDto(entry.output.premium);
    // Unreadable counts as paid: a miss asks the source and the records instead.
    const paid = await this.kv.get(paidKey(premium.id)).catch((error: unknown) => logFailure("paid-get-failed")(error) ?? "unknown");
    return paid === null ? premium : null;
  }

  async keep(query: string, premium: Premium): Promise<void> {
    await this.kv.put(premiumKey(query), JSON.stringify({ premium: premiumToDto(premium) }), {
      expirationTtl: Math.max(60, this.ttlSeconds),
    });
  }

  async markPaid(paid: { paymentId: number; policyNumber: string }): Promise<void> {
    await Promise.all([
      this.kv.put(premiumKey(paid.policyNumber), JSON.stringify({ paid: paid.paymentId }), {
        expirationTtl: Math.max(60, this.ttlSeconds),
      }),
      this.kv.put(paidKey(paid.paymentId), "1", { expirationTtl: PAID_MARK_TTL_SECONDS }),
    ]);
  }
}

const premiumKey = (query: string) => `premium:v1:${query}`;
const paidKey = (paymentId: number) => `paid:v1:${paymentId}`;

function logFailure(event: string) {
  return (error: unknown): null => {
    console.log(JSON.stringify({ service: "gateway", cache: event, reason: String(error) }));
    return null;
  };
}
