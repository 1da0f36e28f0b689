// When each error code is answered, for the reference: the words of docs/api.md.
import type { ErrorCode } from "../../../payments/errors.ts";

export const ERROR_CODE_MEANING: Record<ErrorCode, string> = {
  BAD_REQUEST: "input fails validation, malformed JSON, wrong content type",
  UNAUTHORIZED: "no bearer token, or a bad one",
  FORBIDDEN: "a valid token without the route's scope (or a bank route called by a client not allowed)",
  RESOURCE_NOT_FOUND: "nothing to answer for this input: no premium due (or already paid), invoice never issued",
  BANK_NOT_FOUND: "unknown bankCode",
  DUPLICATE_TRANSACTION: "same transaction with another body, still in flight (details IN_FLIGHT, Retry-After), or premium already paid",
  PAYLOAD_TOO_LARGE: "body over 64 KiB",
  PAYMENT_VERIFICATION_DATA_MISMATCHED: "amount, currency or policy differ from the premium or from AMK's verification",
  TRANSACTION_VERIFY_FAILED: "AMK does not confirm the payment (pending, failed, unknown)",
  MERCHANT_NOT_BIND: "the merchant is not bound to this service",
  RATE_LIMITED: "over the route's limit per token sub; Retry-After gives the seconds until the window reopens",
  INTERNAL_ERROR: "a bug or a misconfiguration; the reason is only in the log",
  AMK_UNKNOWN_ERROR: "AMK answered something unexpected",
  SERVER_UNAVAILABLE:
    "AMK, the Integration Service, the record store, the gateway or the token issuer's key set unreachable, or a circuit open",
};
