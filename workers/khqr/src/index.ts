// The KHQR worker: QR generation for premium payments through AMK.
import { apiApp } from "#shared/http/api-app.ts";
import { registerApiReference } from "#shared/http/openapi/reference-routes.ts";
import { khqrConfig } from "./config.ts";
import type { KhqrBindings } from "./khqr-env.ts";
import { openApiJson } from "./openapi.generated.ts";
import { registerGenerateKhqr } from "./routes/generate-khqr.ts";

export const app = apiApp<KhqrBindings, ReturnType<typeof khqrConfig>>("khqr", khqrConfig);
registerGenerateKhqr(app);
registerApiReference(app, openApiJson);

export default { fetch: app.fetch } satisfies ExportedHandler<KhqrBindings>;
