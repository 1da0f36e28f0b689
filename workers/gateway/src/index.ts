// The gateway worker: premium inquiry, bill-payment confirmation, the KHQR webhook; the cron
// trigger drains the event outbox.
import { PaymentError } from "../../../shared/errors.ts";
import { apiApp } from "../../../shared/http/api-app.ts";
import { gatewayConfig } from "./config.ts";
import type { GatewayBindings } from "./gateway-env.ts";
import { gatewayServices } from "./gateway-services.ts";
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
    try {
      ctx.waitUntil(gatewayServices(env, gatewayConfig(env)).deliver());
    } catch (error) {
      const reason = error instanceof PaymentError ? error.reason : String(error);
      console.log(JSON.stringify({ service: "gateway", cron: "outbox-drain-failed", reason }));
    }
  },
} satisfies ExportedHandler<GatewayBindings>;
