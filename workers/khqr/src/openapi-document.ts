// The KHQR worker's API reference: one description per route it registers (test/openapi fails on
// a route without one). `npm run openapi` turns this into openapi.generated.ts, which the worker serves.
import type { DocumentInfo } from "#shared/platform/http/openapi/build-document.ts";
import { docsRouteDoc, openApiRouteDoc } from "#shared/platform/http/openapi/reference-routes.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { checkoutDoc } from "./routes/checkout.ts";
import { checkoutPageDoc } from "./routes/checkout-page.ts";
import { checkoutRenewDoc } from "./routes/checkout-renew.ts";
import { checkoutStatusDoc } from "./routes/checkout-status.ts";
import { generateKhqrDoc } from "./routes/generate-khqr.ts";
import { paymentStatusDoc } from "./routes/payment-status.ts";

export const documentInfo: DocumentInfo = {
  title: "AMK Payment Hub: KHQR",
  version: "0.1.0",
  description:
    'KHQR codes for Dai-ichi Life Cambodia premiums, issued through AMK and checked before a customer sees them; the payment status for the apps; the hosted checkout page. Errors are one envelope: `{"success": false, "requestId", "error": {"code", "message", "details"?}}`.',
  server: "http://localhost:8081",
};

export const routeDocs: RouteDoc[] = [
  generateKhqrDoc(),
  paymentStatusDoc(),
  checkoutDoc(),
  checkoutPageDoc(),
  checkoutStatusDoc(),
  checkoutRenewDoc(),
  openApiRouteDoc(),
  docsRouteDoc(),
];
