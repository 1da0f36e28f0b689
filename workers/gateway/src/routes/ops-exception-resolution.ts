// POST /ops/exceptions/{exceptionId}/resolution {"resolution", "note"} — an operator records what
// was done about a payment exception (refund requested, refunded, written off); who is the token's
// `sub`, when is now. Recorded and announced (`gateway.payment.exception-resolved`) in one unit of
// work. The same resolution again is a replay; a change is 409, except refund-requested → refunded.
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { EXCEPTION_RESOLUTIONS, type ExceptionResolutionKind } from "#shared/events/payment-events.ts";
import { limitBody, parseInput, readJsonBody } from "#shared/platform/http/request-input.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { resolveException } from "#shared/payments/resolve-exception.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { exceptionView, paymentExceptionViewSchema } from "./ops-exceptions.ts";

export const ExceptionResolutionParams = v.object({
  exceptionId: v.pipe(v.string(), v.uuid("exceptionId must be an exception id (a UUID)")),
});

export const ExceptionResolutionBody = v.object({
  resolution: v.picklist(EXCEPTION_RESOLUTIONS, `resolution must be one of ${EXCEPTION_RESOLUTIONS.join(", ")}`),
  note: v.pipe(
    v.string("note is required"),
    v.trim(),
    v.minLength(1, "note must say what was done (1 to 1000 characters)"),
    v.maxLength(1000, "note must say what was done (1 to 1000 characters)"),
  ),
});

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsExceptionResolutionDoc(): RouteDoc {
  return {
    method: "post",
    path: "/ops/exceptions/{exceptionId}/resolution",
    operationId: "resolvePaymentException",
    tag: "Operations",
    summary: "Record what was done about a payment exception",
    description:
      "`refund-requested` (the insurer's systems were asked to refund), `refunded`, or `written-off`, with a note; kept with the operator (the token's `sub`) and the time, and announced as `gateway.payment.exception-resolved`. The gateway moves no money. The resolution the exception already has, again: the same answer, `replayed: true`, nothing written (the first note stays). Any other change: 409 `DUPLICATE_TRANSACTION` naming the current resolution, except `refund-requested` → `refunded`.",
    scope: "payments:operate",
    rateLimit: "app",
    params: ExceptionResolutionParams,
    body: {
      schema: ExceptionResolutionBody,
      example: { resolution: "refund-requested", note: "Second payment of P123456789; refund asked in ticket 4711" },
    },
    success: {
      status: 200,
      description: "The exception with its resolutions; `replayed` when it already had this resolution",
      schema: successSchema(v.object({ exception: paymentExceptionViewSchema(), replayed: v.boolean() })),
      example: {
        success: true,
        data: {
          replayed: false,
          exception: {
            exceptionId: "5b0e8e0a-2f7c-4d51-9f0e-0c6a3b1d2e4f",
            kind: "DUPLICATE_PAYMENT",
            paymentId: 150001,
            policyNumber: "P123456789",
            channel: "KHQR",
            transactionId: "AMK_KHQR_150001",
            amount: 150.0,
            currency: "USD",
            recordedAt: "2025-10-07T05:01:00.000Z",
            resolution: {
              resolution: "refund-requested",
              note: "Second payment of P123456789; refund asked in ticket 4711",
              resolvedBy: "ops-desk",
              resolvedAt: "2025-10-07T06:00:00.000Z",
            },
            resolutions: [
              {
                resolution: "refund-requested",
                note: "Second payment of P123456789; refund asked in ticket 4711",
                resolvedBy: "ops-desk",
                resolvedAt: "2025-10-07T06:00:00.000Z",
              },
            ],
          },
        },
      },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "DUPLICATE_TRANSACTION", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsExceptionResolution(app: Hono<GatewayEnv>): void {
  app.post("/ops/exceptions/:exceptionId/resolution", operatorAuth(), limitBody, async (c) => {
    const { exceptionId } = parseInput(ExceptionResolutionParams, { exceptionId: c.req.param("exceptionId") });
    const { resolution, note } = await readJsonBody(c, ExceptionResolutionBody);
    const answer = await resolveAndAnnounce(c, { exceptionId, resolution, note });
    return c.json({ success: true, data: { exception: exceptionView(answer.exception), replayed: answer.replayed } });
  });
}

/** The signed-in operator's resolution, recorded and (unless a replay) announced; the JSON route and the page's form both answer with it. */
export async function resolveAndAnnounce(
  c: Context<GatewayEnv>,
  step: { exceptionId: string; resolution: ExceptionResolutionKind; note: string },
): Promise<Awaited<ReturnType<typeof resolveException>>> {
  const resolvedBy = c.get("client")!.id;
  const deps = c.var.services;
  const answer = await resolveException(deps, { ...step, resolvedBy });
  if (!answer.replayed) {
    c.executionCtx.waitUntil(deps.deliver(answer.eventIds));
    const { exceptionId, resolution } = step;
    console.log(JSON.stringify({ service: "gateway", ops: "exception-resolved", exceptionId, resolution, resolvedBy }));
  }
  c.set("logFields", { exceptionId: step.exceptionId, resolution: step.resolution, replayed: answer.replayed });
  return answer;
}
