// The `hash` field of AMK payment-verify (docs/contracts.md). AMK has not published the
// construction; this is the PayWay-style convention. It lives only here, pinned by a golden
// vector test, so a corrected construction is a one-line change.

export interface PaymentVerifyFields {
  merchantId: string;
  storeId: string;
  terminalId: string;
  txId: string;
  /** Unix milliseconds, as sent on the wire. */
  timestamp: string;
}

/** Base64(HMAC-SHA512(key = UTF-8 of secretKey, message = the fields concatenated, no separators)). */
export async function paymentVerifyHash(secretKey: string, fields: PaymentVerifyFields): Promise<string> {
  const message = fields.merchantId + fields.storeId + fields.terminalId + fields.txId + fields.timestamp;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secretKey), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}
