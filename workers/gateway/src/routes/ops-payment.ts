// GET /ops/payments/{paymentId} — everything recorded for one premium: the premium served, its
// payment, the QR issued, every KHQR report with AMK's verify reply, exceptions, and its events with
// their delivery state (scope payments:operate).
import type { Hono } from "hono";
import * as v from "valibot";
import { PaymentError } from "#shared/errors.ts";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
import { toAmount, type Money } from "#shared/money.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientRateLimiter, gatewayDeps } from "../wiring.ts";

export const OpsPaymentParams = v.object({
  paymentId: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,14}$/, "paymentId must be a payment id (digits)"), v.transform(Number)),
});

export function registerOpsPayment(app: Hono<GatewayEnv>): void {
  app.get("/ops/payments/:paymentId", clientAuth<GatewayEnv>("payments:operate", clientRateLimiter), async (c) => {
    const { paymentId } = parseInput(OpsPaymentParams, { paymentId: c.req.param("paymentId") });
    const history = await gatewayDeps(c.env, c.get("config")).records.history(paymentId);
    const { premium, payment, issuance, exceptions } = history;
    if (!premium && !payment && !issuance && history.receipts.length === 0 && exceptions.length === 0) {
      throw new PaymentError("RESOURCE_NOT_FOUND", "Nothing is recorded for this payment id", { details: `paymentId: ${paymentId}` });
    }
    return c.json({
      success: true,
      data: {
        paymentId,
        premium: premium && { ...withoutMoney(premium), ...amountOf(premium.money) },
        payment: payment && { ...withoutMoney(payment), ...amountOf(payment.money) },
        issuance: issuance && { ...withoutMoney(issuance), ...amountOf(issuance.money) },
        receipts: history.receipts,
        exceptions: exceptions.map((e) => ({ ...withoutMoney(e), ...amountOf(e.money) })),
        events: history.events,
      },
    });
  });
}

const amountOf = (money: Money) => ({ amount: toAmount(money), currency: money.currency });

function withoutMoney<T extends { money: Money }>({ money: _money, ...rest }: T): Omit<T, "money"> {
  return rest;
}
