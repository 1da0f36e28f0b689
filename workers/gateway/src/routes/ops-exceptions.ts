// GET /ops/exceptions?limit=50 — money the bank reported that could not become a premium's payment,
// newest first, for the insurer's operators (scope payments:operate).
import type { Hono } from "hono";
import * as v from "valibot";
import { parseInput } from "#shared/platform/http/request-input.ts";
import { amountSchema, currencySchema, successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { EXCEPTION_RESOLUTIONS } from "#shared/events/payment-events.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { exceptionView, type PaymentExceptionView } from "../dashboard/exception-view.ts";

export { exceptionView, type PaymentExceptionView };

/** `limit` of the operator lists: 1 to 500, 50 when absent. */
export const OpsLimit = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^[0-9]{1,3}$/, "limit must be a whole number from 1 to 500"),
    v.transform(Number),
    v.minValue(1, "limit must be a whole number from 1 to 500"),
    v.maxValue(500, "limit must be a whole number from 1 to 500"),
  ),
  "50",
);

export const OpsExceptionsQuery = v.object({ limit: OpsLimit });

export const exceptionResolutionSchema = () =>
  v.object({
    resolution: v.picklist(EXCEPTION_RESOLUTIONS),
    note: v.string(),
    resolvedBy: v.pipe(v.string(), v.description("The operator: their token's `sub`")),
    resolvedAt: v.string(),
  });

export const paymentExceptionViewSchema = () =>
  v.object({
    exceptionId: v.string(),
    kind: v.picklist(["DUPLICATE_PAYMENT", "AMOUNT_MISMATCH"]),
    paymentId: v.number(),
    policyNumber: v.string(),
    channel: v.picklist(["BILL", "KHQR"]),
    transactionId: v.string(),
    amount: amountSchema(),
    currency: currencySchema(),
    recordedAt: v.string(),
    resolution: v.pipe(v.nullable(exceptionResolutionSchema()), v.description("null while open; else the latest resolution step")),
    resolutions: v.array(exceptionResolutionSchema()),
  });

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsExceptionsDoc(): RouteDoc {
  return {
    method: "get",
    path: "/ops/exceptions",
    operationId: "listPaymentExceptions",
    tag: "Operations",
    summary: "Money the bank reported that could not become a premium's payment",
    description:
      "Payment exceptions, newest first: a second payment of a premium already paid (`DUPLICATE_PAYMENT`), or a KHQR payment AMK verified with another amount or currency than its QR asked (`AMOUNT_MISMATCH`). `amount` is what the bank reported or AMK verified; `resolution` is what an operator did about it (null while open).",
    scope: "payments:operate",
    rateLimit: "app",
    query: OpsExceptionsQuery,
    success: {
      status: 200,
      description: "The exceptions",
      schema: successSchema(v.object({ exceptions: v.array(paymentExceptionViewSchema()) })),
      example: {
        success: true,
        data: {
          exceptions: [
            {
              exceptionId: "5b0e8e0a-2f7c-4d51-9f0e-0c6a3b1d2e4f",
              kind: "DUPLICATE_PAYMENT",
              paymentId: 150001,
              policyNumber: "P123456789",
              channel: "KHQR",
              transactionId: "AMK_KHQR_150001",
              amount: 150.0,
              currency: "USD",
              recordedAt: "2025-10-07T05:01:00.000Z",
              resolution: null,
              resolutions: [],
            },
          ],
        },
      },
    },
    errors: ["BAD_REQUEST", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsExceptions(app: Hono<GatewayEnv>): void {
  app.get("/ops/exceptions", operatorAuth(), async (c) => {
    const { limit } = parseInput(OpsExceptionsQuery, { limit: c.req.query("limit") });
    const exceptions = await c.var.services.records.listExceptions(limit);
    return c.json({ success: true, data: { exceptions: exceptions.map(exceptionView) } });
  });
}
