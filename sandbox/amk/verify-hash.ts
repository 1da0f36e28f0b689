// The `hash` payment-verify expects (docs/contracts.md): standard Base64 of
// HMAC-SHA512(key = UTF-8 of the secret, message = merchantId + storeId + terminalId + txId + timestamp).
// Web Crypto, so the tests can compare it with the workers' own construction in workerd.

export interface VerifyHashFields {
  merchantId: string;
  storeId: string;
  terminalId: string;
  txId: string;
  timestamp: string;
}

export async function expectedVerifyHash(secretKey: string, fields: VerifyHashFields): Promise<string> {
  const utf8 = new TextEncoder();
  const message = [fields.merchantId, fields.storeId, fields.terminalId, fields.txId, fields.timestamp].join("");
  const key = await crypto.subtle.importKey("raw", utf8.encode(secretKey), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(message)));
  return btoa(Array.from(mac, (byte) => String.fromCharCode(byte)).join(""));
}
