// Golden vectors for AMK's payment-verify hash, computed once outside this code with
// `printf %s MESSAGE | openssl dgst -sha512 -hmac KEY -binary | base64` (and cross-checked with
// Python's hmac). The keys are made up for the tests. Read by the workers' hash test
// (test/amk/verify-hash.test.ts) and the sandbox's (test/sandbox/bank-rules.test.ts).

/** The hashed fields, in AMK's order: merchantId + storeId + terminalId + txId + timestamp. */
export const VERIFY_FIELDS = {
  merchantId: "900000000290002",
  storeId: "800000000270001",
  terminalId: "70000002",
  txId: "150001",
  timestamp: "1759813200000",
};

export const GOLDEN_KEY = "golden-vector-test-key";
/** Base64(HMAC-SHA512(GOLDEN_KEY, the fields concatenated)). */
export const GOLDEN_HASH = "b0MyeHmMD8a/eMYNBAVuM8odzaI5rzrDwmpQ+FGFS4f/+RG81fHx3wbj367axMqkQiOQWpco2TCPvaR7mdf2OQ==";
