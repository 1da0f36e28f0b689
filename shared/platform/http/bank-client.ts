// Who may call the bank routes (POST /AMK/payments, POST /AMK/khqr) beyond holding the scope: only
// the listed token subjects, and only over a client certificate Cloudflare verified (mTLS) whose
// SHA-256 fingerprint is the pinned one. Each is enforced when configured; refusals are 403.
import type { MiddlewareHandler } from "hono";
import { PaymentError } from "../../payments/errors.ts";
import type { AnyApiEnv } from "./api-env.ts";

export interface BankClientPolicy {
  subjects?: ReadonlySet<string>;
  /** Lower-case hex, no colons. */
  certSha256?: string;
}

/** The part of Cloudflare's `request.cf.tlsClientAuth` this needs. */
interface TlsClientAuth {
  certVerified?: string;
  certFingerprintSHA256?: string;
}

export function bankClientOnly<E extends AnyApiEnv>(
  policyOf: (config: E["Variables"]["config"]) => BankClientPolicy,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const policy = policyOf(c.get("config"));
    const client = c.get("client");
    if (policy.subjects && !(client && policy.subjects.has(client.id))) {
      throw forbidden(`client ${client?.id} is not in AMK_CLIENT_SUBJECTS`);
    }
    if (policy.certSha256) {
      const tls = (c.req.raw as { cf?: { tlsClientAuth?: TlsClientAuth } }).cf?.tlsClientAuth;
      const fingerprint = tls?.certFingerprintSHA256?.toLowerCase();
      if (tls?.certVerified !== "SUCCESS" || fingerprint !== policy.certSha256) {
        throw forbidden(`client certificate ${tls?.certVerified ?? "absent"} ${fingerprint ?? ""} is not the pinned one`);
      }
    }
    await next();
  };
}

function forbidden(reason: string): PaymentError {
  return new PaymentError("FORBIDDEN", "This client may not call the bank routes", { reason });
}
