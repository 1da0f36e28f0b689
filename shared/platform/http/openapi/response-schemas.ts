// Valibot schemas of the bodies every route shares: the error envelope (docs/api.md)
// and the success wrapper. Written for the reference and the schema-driven tests; strict, so an
// undocumented field in an answer fails them.
import * as v from "valibot";
import type { ErrorCode } from "../../../payments/errors.ts";
import { CURRENCIES } from "../../../payments/money.ts";

// Marked pure so a worker bundle drops the route descriptions that call these and go unused.
/* @__NO_SIDE_EFFECTS__ */
export function errorEnvelopeSchema(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return v.strictObject({
    success: v.literal(false),
    requestId: v.pipe(v.string(), v.uuid()),
    error: v.strictObject({
      code: v.picklist(codes),
      message: v.string(),
      details: v.optional(v.string()),
    }),
  });
}

/* @__NO_SIDE_EFFECTS__ */
export function successSchema<S extends v.GenericSchema>(data: S) {
  return v.strictObject({ success: v.literal(true), data });
}

/** A money amount as the wire carries it: a number in the currency's unit. */
export const amountSchema = () => v.pipe(v.number(), v.description("USD with at most 2 decimals, KHR in whole riel"));
export const currencySchema = () => v.picklist(CURRENCIES);
