// The premium cache in front of the Integration Service: KV, the spec's 15 minutes (configurable).
import * as v from "valibot";
import type { PremiumSource } from "#shared/payments/ports.ts";
import { premiumFromDto, PremiumDtoSchema, premiumToDto, type Premium } from "#shared/premium.ts";

/** Caches found premiums in KV; misses and failures always go to the source. */
export class CachedPremiums implements PremiumSource {
  constructor(
    private readonly source: PremiumSource,
    private readonly cache: KVNamespace,
    private readonly ttlSeconds: number,
  ) {}

  async find(query: string): Promise<Premium | null> {
    const key = `premium:v1:${query}`;
    const cached = await this.cache.get(key, "json");
    const parsed = v.safeParse(PremiumDtoSchema, cached);
    if (parsed.success) return premiumFromDto(parsed.output);
    const premium = await this.source.find(query);
    if (premium) {
      // Best effort: KV refuses a second write to one key within a second; the answer stands anyway.
      await this.cache
        .put(key, JSON.stringify(premiumToDto(premium)), { expirationTtl: Math.max(60, this.ttlSeconds) })
        .catch((error) => console.log(JSON.stringify({ service: "gateway", cache: "premium-put-failed", reason: String(error) })));
    }
    return premium;
  }
}
