// Where premiums come from: the insurer's Integration Service (docs/contracts.md).
import * as v from "valibot";
import { PaymentError } from "#shared/payments/errors.ts";
import type { PremiumSource } from "#shared/payments/ports.ts";
import { premiumFromDto, PremiumDtoSchema, type Premium } from "#shared/payments/premium.ts";
import { fetchUpstream } from "#shared/platform/upstream.ts";

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
