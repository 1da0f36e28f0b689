// The gateway worker: premium inquiry, bill-payment confirmation, the KHQR webhook; the cron
// trigger drains the event outbox and reconciles unpaid KHQR codes.
import { PaymentError } from "../../../shared/errors.ts";
import { apiApp } from "../../../shared/http/api-app.ts";
import { gatewayConfig } from "./config.ts";
import type { GatewayBindings } from "./gateway-env.ts";
import { AmkPaymentVerifier } from "./amk-payment-verifier.ts";
import { gatewayServices } from "./gateway-services.ts";
import { reconcileKhqrPayments } from "./khqr-reconciliation.ts";
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
  /** Every minute: publish what the outbox still holds, and reconcile unpaid KHQR codes with AMK. */
  async scheduled(_controller, env, ctx) {
    const logFailure = (task: string) => (error: unknown) =>
      console.log(JSON.stringify({ service: "gateway", cron: task, reason: error instanceof PaymentError ? error.reason : String(error) }));
    try {
      const config = gatewayConfig(env);
      const services = gatewayServices(env, config);
      ctx.waitUntil(services.deliver().catch(logFailure("outbox-drain-failed")));
      ctx.waitUntil(
        reconcileKhqrPayments(services, new AmkPaymentVerifier(config.amk), new Date()).catch(logFailure("reconciliation-failed")),
      );
    } catch (error) {
      logFailure("misconfigured")(error);
    }
  },
} satisfies ExportedHandler<GatewayBindings>;
