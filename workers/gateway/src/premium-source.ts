// Where premiums come from: the insurer's Integration Service (external-contracts §4), behind
// one small interface, with a KV cache in front (the spec's 15 minutes, configurable).
import * as v from "valibot";
import { PaymentError } from "../../../shared/errors.ts";
import { premiumFromDto, PremiumDtoSchema, premiumToDto, type Premium } from "../../../shared/premium.ts";
import { fetchUpstream } from "../../../shared/upstream.ts";

export interface PremiumSource {
  /** The premium due for a policy or application number, or null when none is due. */
  find(query: string): Promise<Premium | null>;
}

export interface IntegrationServiceSettings {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

export class IntegrationServicePremiums implements PremiumSource {
  constructor(private readonly settings: IntegrationServiceSettings) {}

  async find(query: string): Promise<Premium | null> {
    const url = `${this.settings.baseUrl.replace(/\/$/, "")}/premiums?query=${encodeURIComponent(query)}`;
    const response = await fetchUpstream({ upstream: "Integration Service", timeoutMs: this.settings.timeoutMs }, url, {
      headers: { authorization: `Bearer ${this.settings.token}`, accept: "application/json" },
    });
    if (response.status === 404) return null;
    const body = response.ok ? await response.json().catch(() => undefined) : undefined;
    const parsed = v.safeParse(PremiumDtoSchema, body);
    if (!parsed.success) {
      throw new PaymentError("SERVER_UNAVAILABLE", "Integration Service is unavailable; retry later", {
        reason: `Integration Service answered HTTP ${response.status} without a valid premium`,
      });
    }
    return premiumFromDto(parsed.output);
  }
}

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
