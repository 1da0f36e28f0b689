// The gateway's API reference: one description per route it registers (test/openapi fails on a
// route without one). `npm run openapi` turns this into openapi.generated.ts, which the worker serves.
import type { DocumentInfo } from "#shared/platform/http/openapi/build-document.ts";
import { docsRouteDoc, openApiRouteDoc } from "#shared/platform/http/openapi/reference-routes.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { billConfirmationDoc } from "./routes/bill-confirmation.ts";
import { khqrWebhookDoc } from "./routes/khqr-webhook.ts";
import { opsDashboardDoc } from "./routes/ops-dashboard.ts";
import { opsEventReplayDoc } from "./routes/ops-event-replay.ts";
import { opsEventsDoc } from "./routes/ops-events.ts";
import { opsExceptionResolutionDoc } from "./routes/ops-exception-resolution.ts";
import { opsExceptionResolveFormDoc } from "./routes/ops-exception-resolve-form.ts";
import { opsExceptionsDoc } from "./routes/ops-exceptions.ts";
import { opsHealthDoc } from "./routes/ops-health.ts";
import { opsPaymentDoc } from "./routes/ops-payment.ts";
import { premiumInquiryDoc } from "./routes/premium-inquiry.ts";

export const documentInfo: DocumentInfo = {
  title: "AMK Payment Hub: gateway",
  version: "0.1.0",
  description:
    'Dai-ichi Life Cambodia premiums paid through AMK: premium inquiry for the insurer\'s apps, AMK\'s bill-payment confirmation and KHQR webhook, and the operators\' routes. Errors are one envelope: `{"success": false, "requestId", "error": {"code", "message", "details"?}}`.',
  server: "http://localhost:8080",
};

export const routeDocs: RouteDoc[] = [
  premiumInquiryDoc(),
  billConfirmationDoc(),
  khqrWebhookDoc(),
  opsExceptionsDoc(),
  opsExceptionResolutionDoc(),
  opsExceptionResolveFormDoc(),
  opsEventsDoc(),
  opsEventReplayDoc(),
  opsPaymentDoc(),
  opsDashboardDoc(),
  opsHealthDoc(),
  openApiRouteDoc(),
  docsRouteDoc(),
];
