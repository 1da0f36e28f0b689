// The gateway worker: premium inquiry, bill-payment confirmation, the KHQR webhook; the cron
// trigger drains the event outbox and reconciles unpaid KHQR codes.
import { PaymentError } from "#shared/payments/errors.ts";
import { apiApp } from "#shared/platform/http/api-app.ts";
import { registerApiReference } from "#shared/platform/http/openapi/reference-routes.ts";
import { reconcileKhqrPayments } from "#shared/payments/reconcile-khqr.ts";
import { gatewayConfig } from "./config.ts";
import { measureRequests } from "./observability/measure-requests.ts";
import { reportOutboxLag } from "./observability/outbox-lag.ts";
import { requestMetrics } from "./observability/request-metrics.ts";
import type { GatewayBindings, GatewayVariables } from "./gateway-env.ts";
import { openApiJson } from "./openapi.generated.ts";
import { registerBillConfirmation } from "./routes/bill-confirmation.ts";
import { registerKhqrWebhook } from "./routes/khqr-webhook.ts";
import { registerOpsDashboard } from "./routes/ops-dashboard.ts";
import { registerOpsEventReplay } from "./routes/ops-event-replay.ts";
import { registerOpsEvents } from "./routes/ops-events.ts";
import { registerOpsExceptionResolution } from "./routes/ops-exception-resolution.ts";
import { registerOpsExceptionResolveForm } from "./routes/ops-exception-resolve-form.ts";
import { registerOpsExceptions } from "./routes/ops-exceptions.ts";
import { registerOpsHealth } from "./routes/ops-health.ts";
import { registerOpsPayment } from "./routes/ops-payment.ts";
import { registerPremiumInquiry } from "./routes/premium-inquiry.ts";
import { gatewayServices, metricsFor, services } from "./services.ts";

export { GatewayEntrypoint } from "./routes/gateway-entrypoint.ts";
export { IdempotencyShard, WebhookIdempotency } from "./adapters/durable-object-idempotency.ts";

export const app = apiApp<GatewayBindings, ReturnType<typeof gatewayConfig>, GatewayVariables>("gateway", gatewayConfig);
// Local measurement only (npm run bench, the round-trip tests): round trips and step timings.
app.use(measureRequests());
// Metrics per request and per outside call (Analytics Engine when METRICS is bound), and the bank routes' payment outcome in the log.
app.use(requestMetrics(metricsFor));
// The request's services, built once, for the routes that use them.
app.use("/AMK/*", services());
app.use("/ops/*", services());
registerPremiumInquiry(app);
registerBillConfirmation(app);
registerKhqrWebhook(app);
registerOpsExceptions(app);
registerOpsExceptionResolution(app);
registerOpsExceptionResolveForm(app);
registerOpsEvents(app);
registerOpsEventReplay(app);
registerOpsPayment(app);
registerOpsDashboard(app);
registerOpsHealth(app);
registerApiReference(app, openApiJson);

export default {
  fetch: app.fetch,
  /** Every minute: publish what the outbox still holds, and reconcile unpaid KHQR codes with AMK. */
  async scheduled(_controller, env, ctx) {
    const logFailure = (task: string) => (error: unknown) =>
      console.log(JSON.stringify({ service: "gateway", cron: task, reason: error instanceof PaymentError ? error.reason : String(error) }));
    try {
      const deps = gatewayServices(env);
      ctx.waitUntil(
        deps
          .deliver()
          .then(() => reportOutboxLag(deps.records.outbox, deps.clock.now()))
          .catch(logFailure("outbox-lag-check-failed")),
      );
      ctx.waitUntil(
        reconcileKhqrPayments(deps)
          .then((report) => deps.deliver(report.eventIds))
          .catch(logFailure("reconciliation-failed")),
      );
    } catch (error) {
      logFailure("misconfigured")(error);
    }
  },
} satisfies ExportedHandler<GatewayBindings>;
