// GET /ops/exceptions?limit=50 — money the bank reported that could not become a premium's payment,
// newest first, for the insurer's operators (scope payments:operate).
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
import { toAmount } from "#shared/money.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter, gatewayDeps } from "../wiring.ts";

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

export interface PaymentExceptionView {
  exceptionId: string;
  kind: "DUPLICATE_PAYMENT" | "AMOUNT_MISMATCH";
  paymentId: number;
  policyNumber: string;
  channel: "BILL" | "KHQR";
  transactionId: string;
  amount: number;
  currency: string;
  recordedAt: string;
}

export function registerOpsExceptions(app: Hono<GatewayEnv>): void {
  app.get("/ops/exceptions", clientAuth<GatewayEnv>("payments:operate", clientRateLimiter), async (c) => {
    const { limit } = parseInput(OpsExceptionsQuery, { limit: c.req.query("limit") });
    const exceptions = await gatewayDeps(c.env, c.get("config")).records.listExceptions(limit);
    const data = exceptions.map(({ money, ...exception }): PaymentExceptionView => ({
      ...exception,
      amount: toAmount(money),
      currency: money.currency,
    }));
    return c.json({ success: true, data: { exceptions: data } });
  });
}
