// The gateway worker: premium inquiry, bill-payment confirmation, the KHQR webhook; the cron
// trigger drains the event outbox.
import { eventPublisher } from "../../../shared/events/event-publisher.ts";
import { apiApp } from "../../../shared/http/api-app.ts";
import { gatewayConfig } from "./config.ts";
import { deliverEvents } from "./event-delivery.ts";
import type { GatewayBindings } from "./gateway-env.ts";
import { PaymentLedger } from "./records/payment-ledger.ts";
import { registerBillConfirmation } from "./routes/bill-confirmation.ts";
import { registerKhqrWebhook } from "./routes/khqr-webhook.ts";
import { registerPremiumInquiry } from "./routes/premium-inquiry.ts";

export { GatewayEntrypoint } from "./gateway-entrypoint.ts";
export { WebhookIdempotency } from "./webhook-idempotency.ts";

export const app = apiApp<GatewayBindings, ReturnType<typeof gatewayConfig>>("gateway", gatewayConfig);
registerPremiumInquiry(app);
registerBillConfirmation(app);
registerKhqrWebhook(app);

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const config = gatewayConfig(env);
    ctx.waitUntil(deliverEvents(new PaymentLedger(env.DB).db, eventPublisher(config.kafka), config.kafka.topicPrefix));
  },
} satisfies ExportedHandler<GatewayBindings>;
