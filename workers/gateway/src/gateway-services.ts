// The gateway's collaborators for one request, built from its bindings and parsed configuration.
// Handlers reach outside systems only through these.
import { eventPublisher } from "../../../shared/events/event-publisher.ts";
import type { GatewayConfig } from "./config.ts";
import { deliverEvents } from "./event-delivery.ts";
import type { GatewayBindings } from "./gateway-env.ts";
import { CachedPremiums, IntegrationServicePremiums, type PremiumSource } from "./premium-source.ts";
import { PaymentLedger } from "./records/payment-ledger.ts";
import { WebhookAudit } from "./records/webhook-audit.ts";

export interface GatewayServices {
  ledger: PaymentLedger;
  webhookAudit: WebhookAudit;
  premiums: PremiumSource;
  idempotency: GatewayBindings["WEBHOOK_IDEMPOTENCY"];
  /** Publishes the given outbox events now (all that are due, without ids); failures stay for the next drain. */
  deliver(eventIds?: string[]): Promise<unknown>;
}

export function gatewayServices(env: GatewayBindings, config: GatewayConfig): GatewayServices {
  const ledger = new PaymentLedger(env.DB);
  return {
    ledger,
    webhookAudit: new WebhookAudit(ledger.db),
    premiums: new CachedPremiums(new IntegrationServicePremiums(config.integration), env.PREMIUM_CACHE, config.premiumCacheTtlSeconds),
    idempotency: env.WEBHOOK_IDEMPOTENCY,
    deliver: (eventIds) => deliverEvents(ledger.db, eventPublisher(config.kafka), config.kafka.topicPrefix, eventIds),
  };
}
