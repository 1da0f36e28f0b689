// The premium cache in front of the Integration Service: KV, the spec's 15 minutes (configurable).
import * as v from "valibot";
import type { PremiumSource } from "#shared/payments/ports.ts";
import { premiumFromDto, PremiumDtoSchema, premiumToDto, type Premium } from "#shared/premium.ts";

/**
 * Caches found premiums in KV, keyed by the query (policy or application number). Misses, `fresh`
 * reads and KV failures all go to the source: the cache only ever saves a trip.
 */
export class CachedPremiums implements PremiumSource {
  constructor(
    private readonly source: PremiumSource,
    private readonly cache: KVNamespace,
    private readonly ttlSeconds: number,
  ) {}

  async find(query: string, options: { fresh?: boolean } = {}): Promise<Premium | null> {
    const key = cacheKey(query);
    if (!options.fresh) {
      const cached = await this.cache.get(key, "json").catch((error: unknown) => logCache("premium-get-failed", error));
      const parsed = v.safeParse(PremiumDtoSchema, cached);
      if (parsed.success) return premiumFromDto(parsed.output);
    }
    const premium = await this.source.find(query);
    if (premium) {
      // Best effort: KV refuses a second write to one key within a second; the answer stands anyway.
      await this.cache
        .put(key, JSON.stringify(premiumToDto(premium)), { expirationTtl: Math.max(60, this.ttlSeconds) })
        .catch((error: unknown) => logCache("premium-put-failed", error));
    } else {
      await this.cache.delete(key).catch((error: unknown) => logCache("premium-delete-failed", error));
    }
    return premium;
  }

  /** Drops the copy cached under the policy number (an inquiry by application number finds its paid copy stale and asks afresh). */
  async forget(policyNumber: string): Promise<void> {
    await this.cache.delete(cacheKey(policyNumber));
  }
}

const cacheKey = (query: string) => `premium:v1:${query}`;

function logCache(event: string, error: unknown): undefined {
  console.log(JSON.stringify({ service: "gateway", cache: event, reason: String(error) }));
  return undefined;
}
