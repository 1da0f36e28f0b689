// What issueKhqr needs in this worker (AMK's partner API, the gateway, our merchant): built once
// here for every route that issues a QR (GET /khqr, POST /khqr/checkout, a checkout renewal).
import type { Context } from "hono";
import { timed } from "#shared/platform/http/step-timings.ts";
import { issueKhqr, type IssuedKhqr } from "#shared/payments/issue-khqr.ts";
import { systemClock } from "#shared/payments/ports.ts";
import { AmkPartnerApi } from "#shared/amk/partner-api.ts";
import type { KhqrEnv } from "./khqr-env.ts";

export function issueKhqrFor(c: Context<KhqrEnv>, request: { bankCode: string | undefined; billNumber: string }): Promise<IssuedKhqr> {
  const config = c.get("config");
  const partnerApi = new AmkPartnerApi(config.amk, c.env.AMK_SESSION, (promise) => c.executionCtx.waitUntil(promise));
  const steps = c.env.MEASURED_STEPS;
  const amk = steps ? timed(partnerApi, "amk", steps) : partnerApi;
  return issueKhqr({ gateway: c.env.GATEWAY, qrGenerator: amk, merchantId: config.merchantId, clock: systemClock }, request);
}
