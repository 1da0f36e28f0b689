// Golden vectors for the payment-verify hash (test/support/verify-hash-vectors.ts: computed once,
// outside this code, with openssl). The second key's string was computed the same way.
import { describe, expect, it } from "vitest";
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";
import { GOLDEN_HASH, GOLDEN_KEY, VERIFY_FIELDS as FIELDS } from "../support/verify-hash-vectors.ts";

describe("paymentVerifyHash", () => {
  it("is Base64(HMAC-SHA512(key, merchantId+storeId+terminalId+txId+timestamp))", async () => {
    expect(await paymentVerifyHash(GOLDEN_KEY, FIELDS)).toBe(GOLDEN_HASH);
  });

  it("uses the UTF-8 bytes of the key", async () => {
    expect(await paymentVerifyHash("ក-key-ស", FIELDS)).toBe(
      "Zh1WO5HGXsVYe0YUMf3O1xcFgKAsuAbfCbFX32buCr4coAZaPUuiRZphFFYbiw/EuBqSmzdVeivqKynj/6KuBg==",
    );
  });

  it("changes with every field and with the key", async () => {
    const base = await paymentVerifyHash(GOLDEN_KEY, FIELDS);
    const variants = await Promise.all([
      paymentVerifyHash(`${GOLDEN_KEY}2`, FIELDS),
      ...Object.keys(FIELDS).map((name) => paymentVerifyHash(GOLDEN_KEY, { ...FIELDS, [name]: "1" })),
    ]);
    for (const variant of variants) expect(variant).not.toBe(base);
  });

  it("is standard padded Base64 of 64 bytes", async () => {
    const hash = await paymentVerifyHash("k", FIELDS);
    expect(hash).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });
});
