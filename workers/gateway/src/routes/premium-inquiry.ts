// GET /AMK/payments?query=P123456789 — the premium due for a policy or application number.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
import { premiumToDto, type PremiumDto } from "#shared/premium.ts";
import { inquirePremium } from "#shared/payments/inquire-premium.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter, gatewayDeps } from "../wiring.ts";

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

export function registerPremiumInquiry(app: Hono<GatewayEnv>): void {
  app.get("/AMK/payments", clientAuth<GatewayEnv>("payments:inquire", clientRateLimiter), async (c) => {
    const { query } = parseInput(PremiumInquiryQuery, { query: c.req.query("query") });
    const premium = await inquirePremium(gatewayDeps(c.env, c.get("config")), query, (work) => c.executionCtx.waitUntil(work));
    c.set("logFields", { paymentId: premium.id });
    return c.json({ success: true, data: premiumToDto(premium) } satisfies PremiumInquiryResponse);
  });
}
