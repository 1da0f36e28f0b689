// GET /khqr/{paymentId}/status — a premium's payment status for the apps (docs/api.md):
// JSON, or with `Accept: text/event-stream` a stream of its changes.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { amountSchema, currencySchema, successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { parseInput } from "#shared/platform/http/request-input.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { rpcCall } from "#shared/payments/gateway-rpc.ts";
import type { PaymentStatus } from "#shared/payments/payment-status.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { reserveStream, statusStream, wantsEventStream } from "../status-stream.ts";

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
      if (!wantsEventStream(c)) {
        const status = await read();
        c.set("logFields", { paymentId, paymentStatus: status.status });
        return c.json({ success: true, data: status } satisfies PaymentStatusResponse);
      }
      const slot = reserveStream(paymentId);
      if (!slot) {
        throw new PaymentError("RATE_LIMITED", "Too many open status streams for this payment; retry shortly", {
          headers: { "retry-after": "30" },
        });
      }
      const status = await read().catch((error: unknown) => {
        slot.release();
        throw error;
      });
      c.set("logFields", { paymentId, paymentStatus: status.status });
      return statusStream(c, slot, status, read);
    },
  );
}

export const paymentStatusSchema = () =>
  v.object({
    paymentId: v.number(),
    policyNumber: v.string(),
    status: v.picklist(["PENDING", "PAID", "EXPIRED"]),
    amount: amountSchema(),
    currency: currencySchema(),
    expiresAt: v.nullable(v.string()),
    paidAt: v.nullable(v.string()),
    channel: v.nullable(v.picklist(["KHQR", "BILL"])),
    transactionId: v.nullable(v.string()),
  });

/** Server-Sent Events: what an event-stream answer carries, as text. */
export const statusEventStreamSchema = () =>
  v.pipe(
    v.string(),
    v.description(
      "`event: status` with the same `data` object as the JSON answer, at once and on every change; the stream ends after PAID or EXPIRED, or after at most 5 minutes (reconnect).",
    ),
  );

/** This route in the API reference (openapi-document.ts). */
export function paymentStatusDoc(): RouteDoc {
  return {
    method: "get",
    path: "/khqr/{paymentId}/status",
    operationId: "paymentStatus",
    tag: "KHQR",
    summary: "Whether a premium is paid: PENDING, PAID (either channel) or EXPIRED",
    description:
      "PENDING while the latest QR issued is open, PAID once the premium is paid through either channel, EXPIRED when the latest QR lapsed unpaid. With `Accept: text/event-stream` the same object arrives as Server-Sent Events named `status`, at once and on every change; a payment shows within 2 seconds of the gateway's answer to the bank.",
    scope: "khqr:generate",
    rateLimit: "app",
    params: PaymentStatusParams,
    success: {
      status: 200,
      description: "The payment status",
      schema: successSchema(paymentStatusSchema()),
      alternative: { contentType: "text/event-stream", schema: statusEventStreamSchema(), description: "The status as Server-Sent Events" },
      example: {
        success: true,
        data: {
          paymentId: 150002,
          policyNumber: "P987654321",
          status: "PAID",
          amount: 89.5,
          currency: "USD",
          expiresAt: "2026-11-27T10:15:00.000Z",
          paidAt: "2026-11-27T10:02:11.000Z",
          channel: "KHQR",
          transactionId: "AMK_KHQR_150002",
        },
      },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "SERVER_UNAVAILABLE"],
  };
}
