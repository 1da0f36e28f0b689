// The private RPC contract between the two workers (a service binding, never public): the KHQR
// worker asks the gateway for a premium (with its open QR), tells it which QR it issued, and reads a payment's status
// and checkout details from the gateway's records. Errors cross as plain
// values in our vocabulary, since thrown classes do not survive the boundary.
import { PaymentError, toPaymentError, type ErrorCode } from "./errors.ts";
import type { Currency } from "./money.ts";
import { premiumToDto, type PremiumDto } from "./premium.ts";
import type { CheckoutDetails } from "./checkout-details.ts";
import type { PaymentStatus } from "./payment-status.ts";
import type { PremiumForQr } from "./premium-for-qr.ts";

export type RpcReply<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; details?: string } };

/**
 * What the KHQR worker reports of a QR it issued. It names the premium by payment id only: the
 * gateway takes the premium's money and policy from its own records, never from the caller.
 */
export interface QrIssuedNotice {
  paymentId: number;
  bankCode: string;
  qrString: string;
  expiresAt?: string;
  /** The issuance lease premiumForQr granted (freed once the QR is recorded). */
  lease?: string;
  /** The money the QR asks, as checked against its string (the premium's may have been re-priced since); the premium's when absent. */
  amount?: number;
  currency?: Currency;
  /** The premium's policy number, as premiumForQr answered it; read from the records when absent (an older KHQR worker). */
  policyNumber?: string;
}

/** A QR already issued for the premium that a customer can still pay. */
export interface OpenQrDto {
  bankCode: string;
  qrString: string;
  expiresAt: string;
}

export interface GatewayRpc {
  /**
   * The premium due, unpaid in the records, with the QR to show (`openQr`), or the lease under which
   * this caller has AMK mint one (`lease`); neither while another caller mints it: ask again shortly.
   */
  premiumForQr(query: string): Promise<RpcReply<PremiumForQrDto>>;
  recordQrIssued(notice: QrIssuedNotice): Promise<RpcReply<{ eventId: string }>>;
  /** Gives back an issuance lease whose QR was not recorded (AMK failed, or its QR was refused). */
  releaseQrIssuance(release: { paymentId: number; lease: string }): Promise<RpcReply<null>>;
  /** PENDING / PAID / EXPIRED from the records; RESOURCE_NOT_FOUND when nothing was issued or paid. */
  paymentStatus(paymentId: number): Promise<RpcReply<PaymentStatus>>;
  /** The status plus what the checkout page shows: the payer and the latest issued QR string. */
  checkoutDetails(paymentId: number): Promise<RpcReply<CheckoutDetails>>;
}

/** Runs `work`, turning what it throws into an error reply (5xx reasons go to the log). */
export async function rpcReply<T>(work: () => Promise<T>): Promise<RpcReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (thrown) {
    const error = toPaymentError(thrown);
    if (error.status >= 500) console.log(JSON.stringify({ service: "gateway-rpc", code: error.code, reason: error.reason }));
    return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
  }
}

/** The caller's side: a reply's value, or its error thrown again; an unreachable gateway is 503. */
export async function rpcCall<T>(call: () => Promise<RpcReply<T>>): Promise<T> {
  let reply: RpcReply<T>;
  try {
    reply = await call();
  } catch (error) {
    throw new PaymentError("SERVER_UNAVAILABLE", "The payment gateway is unavailable; retry later", {
      reason: `gateway RPC: ${String(error)}`,
    });
  }
  if (reply.ok) return reply.value;
  throw new PaymentError(reply.error.code, reply.error.message, { details: reply.error.details });
}

export interface PremiumForQrDto {
  premium: PremiumDto;
  openQr: OpenQrDto | null;
  lease: string | null;
}

/** premiumForQr's answer as it crosses the boundary. */
export function premiumForQrDto({ premium, openQr, lease }: PremiumForQr): PremiumForQrDto {
  const open = openQr?.expiresAt ? { bankCode: openQr.bankCode, qrString: openQr.qrString, expiresAt: openQr.expiresAt } : null;
  return { premium: premiumToDto(premium), openQr: open, lease };
}
