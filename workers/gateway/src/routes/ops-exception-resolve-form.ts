// POST /ops/exceptions/{exceptionId}/resolve — the payment page's form (application/x-www-form-urlencoded):
// the same step as POST /ops/exceptions/{exceptionId}/resolution, recorded with the signed-in operator
// (the Access email), then back to the payment's page (303). A form comes from the gateway's own page
// only: its origin is checked and it carries the session's form token (operators/form-token.ts).
import type { Hono } from "hono";
import * as v from "valibot";
import { PaymentError } from "#shared/payments/errors.ts";
import { limitBody, parseInput } from "#shared/platform/http/request-input.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { requireFormToken } from "../operators/form-token.ts";
import { operatorAuth, requireSameOrigin } from "../operators/operator-auth.ts";
import { ExceptionResolutionBody, ExceptionResolutionParams, resolveAndAnnounce } from "./ops-exception-resolution.ts";

export const ExceptionResolveForm = v.object({
  ...ExceptionResolutionBody.entries,
  formToken: v.pipe(
    v.string("formToken is required (reload the payment page)"),
    v.nonEmpty("formToken is required (reload the payment page)"),
  ),
});

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsExceptionResolveFormDoc(): RouteDoc {
  return {
    method: "post",
    path: "/ops/exceptions/{exceptionId}/resolve",
    operationId: "resolvePaymentExceptionForm",
    tag: "Operations",
    summary: "The payment page's resolution form",
    description:
      "The form on `/ops/payments/{paymentId}` as a browser posts it (`application/x-www-form-urlencoded`: `resolution`, `note`, `formToken`): the same step and rules as `POST /ops/exceptions/{exceptionId}/resolution`, kept with the signed-in operator (the Cloudflare Access email), then a 303 back to the payment's page. Accepted only from the gateway's own pages (`Origin`, else `Sec-Fetch-Site`) with the form token the page was drawn with; otherwise 403. Tools use the JSON route.",
    scope: "payments:operate",
    rateLimit: "app",
    params: ExceptionResolutionParams,
    body: {
      schema: ExceptionResolveForm,
      example: { resolution: "refund-requested", note: "Refund asked in ticket 4711", formToken: "<from the page>" },
      contentType: "application/x-www-form-urlencoded",
    },
    success: {
      status: 303,
      description: "Recorded (or already so): back to the payment's page",
      schema: v.string(),
      headers: { location: "/ops/payments/{paymentId}" },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "DUPLICATE_TRANSACTION", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsExceptionResolveForm(app: Hono<GatewayEnv>): void {
  app.post("/ops/exceptions/:exceptionId/resolve", operatorAuth(), limitBody, async (c) => {
    requireSameOrigin(c);
    const { exceptionId } = parseInput(ExceptionResolutionParams, { exceptionId: c.req.param("exceptionId") });
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header("content-type") ?? "")) {
      throw new PaymentError("BAD_REQUEST", "Content-Type must be application/x-www-form-urlencoded");
    }
    const fields = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer())));
    const { resolution, note, formToken } = parseInput(ExceptionResolveForm, fields);
    await requireFormToken(c, formToken);
    const answer = await resolveAndAnnounce(c, { exceptionId, resolution, note });
    return c.redirect(`/ops/payments/${answer.exception.paymentId}#exception-${exceptionId}`, 303);
  });
}
