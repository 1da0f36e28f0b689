// The signed token in a checkout link (/pay/{token}): it names one payment id and expires with
// that payment's QR. HMAC-SHA256 with CHECKOUT_SIGNING_KEY through Web Crypto; no clock inside,
// `nowMs` is passed in. Format: `{paymentId}.{expiresAtSeconds}.{base64url signature}`.
import { base64url } from "jose";

export interface CheckoutClaims {
  paymentId: number;
  /** Unix seconds; the QR's expiry, rounded down so the link never outlives the QR. */
  expiresAt: number;
}

const TOKEN = /^([1-9][0-9]{0,15})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;
// Domain separation: the key signs nothing else, but a versioned prefix keeps that true if it ever does.
const PURPOSE = "amk-payment-hub/checkout/v1:";

export async function signCheckoutToken(key: string, claims: CheckoutClaims): Promise<string> {
  const body = `${claims.paymentId}.${claims.expiresAt}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(key, "sign"), encode(PURPOSE + body));
  return `${body}.${base64url.encode(new Uint8Array(signature))}`;
}

/**
 * The claims of a genuine, unexpired token, or null for anything else: forged, altered, malformed
 * or expired look the same to the caller. `graceSeconds` accepts a recently expired token (renewal).
 */
export async function readCheckoutToken(
  key: string,
  token: string,
  nowMs: number,
  options: { graceSeconds?: number } = {},
): Promise<CheckoutClaims | null> {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, paymentId, expiresAt, signature] = match as unknown as [string, string, string, string];
  const bytes = fromBase64Url(signature);
  // crypto.subtle.verify compares in constant time.
  if (!bytes || !(await crypto.subtle.verify("HMAC", await hmacKey(key, "verify"), bytes, encode(`${PURPOSE}${paymentId}.${expiresAt}`)))) {
    return null;
  }
  const claims = { paymentId: Number(paymentId), expiresAt: Number(expiresAt) };
  if (!Number.isSafeInteger(claims.paymentId)) return null;
  if (nowMs >= (claims.expiresAt + (options.graceSeconds ?? 0)) * 1000) return null;
  return claims;
}

/** The token's expiry for a QR expiring at `qrExpiresAt` (ISO-8601). */
export function checkoutExpiry(qrExpiresAt: string): number {
  return Math.floor(Date.parse(qrExpiresAt) / 1000);
}

function hmacKey(key: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encode(key), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(new TextEncoder().encode(text));
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bytes = Uint8Array.from(base64url.decode(text));
    // Only the canonical form: a 43-char string has spare low bits that would otherwise let two tokens mean one.
    return base64url.encode(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}
