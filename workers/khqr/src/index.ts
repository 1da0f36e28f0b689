// The KHQR worker: QR generation for premium payments through AMK, the apps' payment status, and
// the hosted checkout page.
import { apiApp } from "#shared/platform/http/api-app.ts";
import { registerApiReference } from "#shared/platform/http/openapi/reference-routes.ts";
import { khqrConfig } from "./config.ts";
import type { KhqrBindings } from "./khqr-env.ts";
import { measureRequests } from "./measure-requests.ts";
import { openApiJson } from "./openapi.generated.ts";
import { registerCheckout } from "./routes/checkout.ts";
import { registerCheckoutPage } from "./routes/checkout-page.ts";
import { registerCheckoutRenew } from "./routes/checkout-renew.ts";
import { registerCheckoutStatus } from "./routes/checkout-status.ts";
import { registerGenerateKhqr } from "./routes/generate-khqr.ts";
import { registerPaymentStatus } from "./routes/payment-status.ts";

export const app = apiApp<KhqrBindings, ReturnType<typeof khqrConfig>>("khqr", khqrConfig);
// Local measurement only (npm run bench): step timings in Server-Timing.
app.use(measureRequests());
registerGenerateKhqr(app);
registerApiReference(app, openApiJson);
registerPaymentStatus(app);
registerCheckout(app);
registerCheckoutPage(app);
registerCheckoutStatus(app);
registerCheckoutRenew(app);

export default { fetch: app.fetch } satisfies ExportedHandler<KhqrBindings>;
