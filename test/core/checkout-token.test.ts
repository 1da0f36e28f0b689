// The checkout link's token: HMAC-SHA256 over the payment id and expiry; anything forged, altered,
// malformed or expired reads as null, all alike.
import { deepEqual, equal, match } from "node:assert/strict";
import { checkoutExpiry, readCheckoutToken, signCheckoutToken } from "#shared/payments/checkout-token.ts";

const KEY = "test-checkout-signing-key-0123456789abcdef";
const NOW = Date.parse("2026-03-01T03:00:00.000Z");
const EXPIRES = checkoutExpiry("2026-03-01T03:15:00.500Z");

Deno.test("a token names the payment id, expires with the QR (rounded down), and reads back", async () => {
  equal(EXPIRES, Date.parse("2026-03-01T03:15:00.000Z") / 1000);
  const token = await signCheckoutToken(KEY, { paymentId: 150002, expiresAt: EXPIRES });
  match(token, /^150002\.\d{10}\.[A-Za-z0-9_-]{43}$/);
  deepEqual(await readCheckoutToken(KEY, token, NOW), { paymentId: 150002, expiresAt: EXPIRES });
});

Deno.test("an expired token reads as null, unless within the grace a renewal allows", async () => {
  const token = await signCheckoutToken(KEY, { paymentId: 150002, expiresAt: EXPIRES });
  deepEqual(await readCheckoutToken(KEY, token, EXPIRES * 1000 - 1), { paymentId: 150002, expiresAt: EXPIRES });
  equal(await readCheckoutToken(KEY, token, EXPIRES * 1000), null);
  deepEqual(await readCheckoutToken(KEY, token, EXPIRES * 1000 + 59_000, { graceSeconds: 60 }), { paymentId: 150002, expiresAt: EXPIRES });
  equal(await readCheckoutToken(KEY, token, EXPIRES * 1000 + 60_000, { graceSeconds: 60 }), null);
});

Deno.test("forged, altered and malformed tokens read as null", async () => {
  const token = await signCheckoutToken(KEY, { paymentId: 150002, expiresAt: EXPIRES });
  const [id, exp, signature] = token.split(".") as [string, string, string];
  const forged = await signCheckoutToken("another-key-that-is-also-long-enough-000", { paymentId: 150002, expiresAt: EXPIRES });
  const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
  const candidates = [
    forged,
    `150003.${exp}.${signature}`,
    `${id}.${Number(exp) + 3600}.${signature}`,
    `${id}.${exp}.${flipped}`,
    `${id}.${exp}`,
    `${id}.${exp}.${signature}.x`,
    `0${id}.${exp}.${signature}`,
    "",
    "not-a-token",
  ];
  for (const candidate of candidates) equal(await readCheckoutToken(KEY, candidate, NOW), null, candidate);
});
