// GET /khqr/{paymentId}/status — a premium's payment status for the apps (external-contracts §8):
// JSON, or with `Accept: text/event-stream` a stream of its changes.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import type { PaymentStatus } from "#shared/payments/payment-status.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { statusStream, wantsEventStream } from "../status-stream.ts";

export const PaymentStatusParams = v.object({
  paymentId: v.pipe(
    v.string(),
    v.regex(/^[1-9][0-9]{0,15}$/, "paymentId must be a positive whole number"),
    v.transform(Number),
    v.safeInteger("paymentId is too large"),
  ),
});

export interface PaymentStatusResponse {
  success: true;
  data: PaymentStatus;
}

export function registerPaymentStatus(app: Hono<KhqrEnv>): void {
  app.get(
    "/khqr/:paymentId/status",
    clientAuth<KhqrEnv>("khqr:generate", (env) => env.CLIENT_RATE_LIMIT),
    async (c) => {
      const { paymentId } = parseInput(PaymentStatusParams, { paymentId: c.req.param("paymentId") });
      const read = () => rpcCall(() => c.env.GATEWAY.paymentStatus(paymentId));
      const status = await read();
      c.set("logFields", { paymentId, paymentStatus: status.status });
      if (wantsEventStream(c)) return statusStream(c, status, read);
      return c.json({ success: true, data: status } satisfies PaymentStatusResponse);
    },
  );
}
