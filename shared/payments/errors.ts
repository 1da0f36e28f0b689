// The project's one error vocabulary (docs/api.md). Everything a client can see is a
// PaymentError with one of these codes; internal reasons go to the log only.

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RESOURCE_NOT_FOUND: 404,
  BANK_NOT_FOUND: 404,
  DUPLICATE_TRANSACTION: 409,
  PAYLOAD_TOO_LARGE: 413,
  PAYMENT_VERIFICATION_DATA_MISMATCHED: 422,
  TRANSACTION_VERIFY_FAILED: 422,
  MERCHANT_NOT_BIND: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  AMK_UNKNOWN_ERROR: 502,
  SERVER_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export function codeToStatus(code: ErrorCode): ErrorStatus {
  return ERROR_STATUS[code];
}

export class PaymentError extends Error {
  readonly code: ErrorCode;
  /** Safe to show the client: never an upstream body or a stack. */
  readonly details?: string;
  /** For the log only. */
  readonly reason?: string;
  readonly headers?: Record<string, string>;
  /** Events recorded with this refusal (a flagged payment exception), to publish after answering. */
  readonly eventIds: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: string; reason?: string; headers?: Record<string, string>; eventIds?: readonly string[] } = {},
  ) {
    super(message);
    this.name = "PaymentError";
    this.code = code;
    this.details = options.details;
    this.reason = options.reason;
    this.headers = options.headers;
    this.eventIds = options.eventIds ?? [];
  }

  get status(): ErrorStatus {
    return codeToStatus(this.code);
  }
}

export interface ErrorEnvelope {
  success: false;
  requestId: string;
  error: { code: ErrorCode; message: string; details?: string };
}

export function errorEnvelope(error: PaymentError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope["error"] = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return { success: false, requestId, error: body };
}

/** Any thrown value as a PaymentError; unknown errors become a generic INTERNAL_ERROR. */
export function toPaymentError(thrown: unknown): PaymentError {
  if (thrown instanceof PaymentError) return thrown;
  const reason = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  return new PaymentError("INTERNAL_ERROR", "An internal error occurred", { reason });
}
