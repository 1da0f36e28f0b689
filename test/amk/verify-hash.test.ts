// Golden vectors for the payment-verify hash. The expected strings were computed once, outside
// this code, with `printf %s MESSAGE | openssl dgst -sha512 -hmac KEY -binary | base64`
// (and cross-checked with Python's hmac). The keys are made up for this test.
import { describe, expect, it } from "vitest";
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";

const FIELDS = {
  merchantId: "900000000290002",
  storeId: "800000000270001",
  terminalId: "70000002",
  txId: "150001",
  timestamp: "1759813200000",
};

describe("paymentVerifyHash", () => {
  it("is Base64(HMAC-SHA512(key, merchantId+storeId+terminalId+txId+timestamp))", async () => {
    expect(await paymentVerifyHash("golden-vector-test-key", FIELDS)).toBe(
      "b0MyeHmMD8a/eMYNBAVuM8odzaI5rzrDwmpQ+FGFS4f/+RG81fHx3wbj367axMqkQiOQWpco2TCPvaR7mdf2OQ==",
    );
  });

  it("uses the UTF-8 bytes of the key", async () => {
    expect(await paymentVerifyHash("ក-key-ស", FIELDS)).toBe(
      "Zh1WO5HGXsVYe0YUMf3O1xcFgKAsuAbfCbFX32buCr4coAZaPUuiRZphFFYbiw/EuBqSmzdVeivqKynj/6KuBg==",
    );
  });

  it("changes with every field and with the key", async () => {
    const base = await paymentVerifyHash("golden-vector-test-key", FIELDS);
    const variants = await Promise.all([
      paymentVerifyHash("golden-vector-test-key2", FIELDS),
      ...Object.keys(FIELDS).map((name) => paymentVerifyHash("golden-vector-test-key", { ...FIELDS, [name]: "1" })),
    ]);
    for (const variant of variants) expect(variant).not.toBe(base);
  });

  it("is standard padded Base64 of 64 bytes", async () => {
    const hash = await paymentVerifyHash("k", FIELDS);
    expect(hash).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });
});
