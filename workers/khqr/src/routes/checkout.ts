// POST /khqr/checkout — issues a KHQR exactly as GET /khqr does (same checks, errors and event)
// and answers a link to the hosted checkout page for it (docs/api.md).
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { limitBody, readJsonBody } from "#shared/platform/http/request-input.ts";
import { checkoutLink } from "../checkout/checkout-link.ts";
import { issueKhqrFor } from "../khqr-issuer.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { BillNumber, QR_ISSUANCE_ERRORS } from "./generate-khqr.ts";

export const CheckoutBody = v.object({
  // The plain code or the spec's object; bankFor judges both exactly as GET /khqr's query value.
  bankCode: v.optional(v.union([v.string(), v.object({ id: v.string(), bank: v.string() })], "bankCode must be a bank code or an object")),
  billNumber: BillNumber,
});

export interface CheckoutResponse {
  success: true;
  data: { paymentId: number; url: string; expiresAt: string };
}

export function registerCheckout(app: Hono<KhqrEnv>): void {
  app.post(
    "/khqr/checkout",
    clientAuth<KhqrEnv>("khqr:generate", (env) => env.CLIENT_RATE_LIMIT),
    limitBody,
    async (c) => {
      const body = await readJsonBody(c, CheckoutBody);
      const bankCode = typeof body.bankCode === "object" ? JSON.stringify(body.bankCode) : body.bankCode;
      const { premium, expiresAt } = await issueKhqrFor(c, { bankCode, billNumber: body.billNumber });
      const link = await checkoutLink(c.get("config").checkout, premium.id, expiresAt);
      c.set("logFields", { paymentId: premium.id });
      return c.json({ success: true, data: { paymentId: premium.id, url: link.url, expiresAt } } satisfies CheckoutResponse, 201);
    },
  );
}

/** This route in the API reference (openapi-document.ts). */
export function checkoutDoc(): RouteDoc {
  return {
    method: "post",
    path: "/khqr/checkout",
    operationId: "createCheckout",
    tag: "Checkout",
    summary: "Issue a KHQR and a link to the hosted checkout page for it",
    description:
      "Issues the QR exactly as `GET /khqr` does (same checks, errors and `khqr.generated-event`) and answers a link to `GET /pay/{token}`, signed and expiring with the QR.",
    scope: "khqr:generate",
    rateLimit: "app",
    body: { schema: CheckoutBody, example: { bankCode: { id: "AMK", bank: "AMK" }, billNumber: "P987654321" } },
    success: {
      status: 201,
      description: "The checkout link",
      schema: successSchema(v.object({ paymentId: v.number(), url: v.string(), expiresAt: v.string() })),
      example: {
        success: true,
        data: { paymentId: 150002, url: "http://localhost:8081/pay/150002.1795823961.mac", expiresAt: "2026-11-27T10:15:00.000Z" },
      },
    },
    errors: QR_ISSUANCE_ERRORS,
  };
}
