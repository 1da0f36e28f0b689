// GET /AMK/payments?query=P123456789 — the premium due for a policy or application number.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { parseInput } from "#shared/platform/http/request-input.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import { premiumToDto, PremiumDtoSchema, type PremiumDto } from "#shared/payments/premium.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter } from "../services.ts";

export const PremiumInquiryQuery = v.object({
  query: v.pipe(
    v.string("query is required"),
    v.nonEmpty("query is required"),
    v.maxLength(10, "query must be at most 10 characters"),
    v.regex(/^[A-Za-z0-9]+$/, "query must contain only letters and digits"),
  ),
});

export interface PremiumInquiryResponse {
  success: true;
  data: PremiumDto;
}

export const premiumInquiryResponseSchema = () => successSchema(PremiumDtoSchema);

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function premiumInquiryDoc(): RouteDoc {
  return {
    method: "get",
    path: "/AMK/payments",
    operationId: "inquirePremium",
    tag: "Premiums",
    summary: "The premium due for a policy or application number",
    description:
      "The premium due, from the insurer's Integration Service (cached for `PREMIUM_CACHE_TTL_SECONDS`). `id` is the payment id: it names this premium due and is the invoice number of its KHQR code. No premium due, or one already recorded as paid: 404.",
    scope: "payments:inquire",
    rateLimit: "app",
    query: PremiumInquiryQuery,
    success: {
      status: 200,
      description: "The premium due",
      schema: premiumInquiryResponseSchema(),
      example: {
        success: true,
        data: { id: 150001, policyNumber: "P123456789", payer: "John Doe", amount: 150.0, currency: "USD", dueDate: "2025-11-15" },
      },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "SERVER_UNAVAILABLE"],
  };
}

export function registerPremiumInquiry(app: Hono<GatewayEnv>): void {
  app.get("/AMK/payments", clientAuth<GatewayEnv>("payments:inquire", clientRateLimiter), async (c) => {
    const { query } = parseInput(PremiumInquiryQuery, { query: c.req.query("query") });
    const premium = await inquirePremium(c.var.services, query, c.var.services.later);
    c.set("logFields", { paymentId: premium.id });
    return c.json({ success: true, data: premiumToDto(premium) } satisfies PremiumInquiryResponse);
  });
}
