// Reading client input: size limit, JSON parsing and valibot validation, each failing as the
// contract says (413 PAYLOAD_TOO_LARGE, 400 BAD_REQUEST with the offending fields).
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { PaymentError } from "../../payments/errors.ts";

export const MAX_BODY_BYTES = 64 * 1024;

export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new PaymentError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  },
});

export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new PaymentError("BAD_REQUEST", "Invalid request parameters", { details: describeIssues(result.issues) });
}

export async function readJsonBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new PaymentError("BAD_REQUEST", "Content-Type must be application/json");
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    if (error instanceof PaymentError) throw error;
    throw new PaymentError("BAD_REQUEST", "Request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new PaymentError("BAD_REQUEST", "Request body must be a JSON object");
  }
  return parseInput(schema, body);
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => {
      const path = v.getDotPath(issue);
      // valibot reports an absent key as "Invalid key: Expected ..."; say plainly what is missing.
      const message = issue.received === "undefined" && path ? "is required" : issue.message;
      return path ? `${path}: ${message}` : message;
    })
    .join("; ");
}
